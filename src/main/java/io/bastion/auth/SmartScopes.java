package io.bastion.auth;

import io.bastion.auth.SmartScope.Context;
import io.bastion.auth.SmartScope.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scopes granted by a token, parsed once when the token is verified. Resource scopes in SMART App
 * Launch v2 ({@code patient/Observation.rs}, {@code user/*.cruds}, {@code system/Patient.r},
 * {@code patient/Observation.rs?category=laboratory}) and v1 ({@code patient/*.read},
 * {@code user/Patient.write}, {@code user/*.*}) become {@link SmartScope}s with v2 permissions:
 * v1 {@code read} is {@code rs}, {@code write} is {@code cud}, {@code *} is {@code cruds}.
 * Launch and identity scopes ({@code openid}, {@code launch/patient}, ...) are kept as-is; anything
 * unparseable is ignored (as the SMART specification asks) and listed in {@link #unrecognised()}.
 */
public final class SmartScopes {

  private static final Pattern RESOURCE_SCOPE =
      Pattern.compile("(patient|user|system)/([A-Z][A-Za-z]{0,63}|\\*)\\.([a-z*]{1,5})(?:\\?(.+))?");
  private static final Pattern V2_LETTERS = Pattern.compile("c?r?u?d?s?");
  private static final Pattern RESTRICTION = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.:-]{0,63})=([^&]{1,256})");
  private static final Set<String> KNOWN_OTHER = Set.of("openid", "fhirUser", "profile", "launch", "launch/patient",
      "launch/encounter", "offline_access", "online_access");
  /** A token carrying more scopes than this is not a SMART client: the rest are ignored. */
  static final int MAX_SCOPES = 256;

  public static final SmartScopes NONE = new SmartScopes(List.of(), List.of(), List.of());

  private final List<SmartScope> resourceScopes;
  private final List<String> otherScopes;
  private final List<String> unrecognised;

  private SmartScopes(List<SmartScope> resourceScopes, List<String> otherScopes, List<String> unrecognised) {
    this.resourceScopes = List.copyOf(resourceScopes);
    this.otherScopes = List.copyOf(otherScopes);
    this.unrecognised = List.copyOf(unrecognised);
  }

  /** Parses a space-separated scope string (the {@code scope} claim). */
  public static SmartScopes parse(String scope) {
    if (scope == null || scope.isBlank()) {
      return NONE;
    }
    return of(List.of(scope.trim().split("\\s+")));
  }

  public static SmartScopes of(List<String> scopes) {
    List<SmartScope> resource = new ArrayList<>();
    List<String> other = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (String text : scopes.subList(0, Math.min(scopes.size(), MAX_SCOPES))) {
      if (text.isEmpty()) {
        continue;
      }
      SmartScope parsed = parseOne(text);
      if (parsed != null) {
        resource.add(parsed);
      } else if (KNOWN_OTHER.contains(text) || text.startsWith("launch/")) {
        other.add(text);
      } else {
        bad.add(text);
      }
    }
    return new SmartScopes(resource, other, bad);
  }

  /** One resource scope, or null when the text is not one. */
  static SmartScope parseOne(String text) {
    Matcher m = RESOURCE_SCOPE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    Context context = Context.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    String type = m.group(2);
    String perms = m.group(3);
    String query = m.group(4);
    int bits;
    boolean v1 = perms.equals("read") || perms.equals("write") || perms.equals("*");
    if (perms.equals("read")) {
      bits = Permission.READ.bit() | Permission.SEARCH.bit();
    } else if (perms.equals("write")) {
      bits = Permission.CREATE.bit() | Permission.UPDATE.bit() | Permission.DELETE.bit();
    } else if (perms.equals("*")) {
      bits = 0b11111;
    } else if (V2_LETTERS.matcher(perms).matches()) {
      bits = 0;
      for (Permission p : Permission.values()) {
        if (perms.indexOf(p.letter()) >= 0) {
          bits |= p.bit();
        }
      }
    } else {
      return null;
    }
    Map<String, List<String>> restrictions = new LinkedHashMap<>();
    if (query != null) {
      if (v1) {
        return null; // restrictions exist only in v2
      }
      for (String pair : query.split("&", -1)) {
        Matcher r = RESTRICTION.matcher(pair);
        if (!r.matches()) {
          return null;
        }
        restrictions.computeIfAbsent(r.group(1), k -> new ArrayList<>()).add(r.group(2));
      }
    }
    return new SmartScope(text, context, type, bits, restrictions);
  }

  public List<SmartScope> resourceScopes() {
    return resourceScopes;
  }

  /** Launch, identity and refresh scopes (openid, fhirUser, launch/patient, offline_access, ...). */
  public List<String> otherScopes() {
    return otherScopes;
  }

  /** Scopes that are neither: ignored for access, worth a log line. */
  public List<String> unrecognised() {
    return unrecognised;
  }

  public boolean isEmpty() {
    return resourceScopes.isEmpty();
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>();
    resourceScopes.forEach(s -> all.add(s.text()));
    all.addAll(otherScopes);
    return String.join(" ", all);
  }
}
