package io.bastion.fhir.phi;

import io.bastion.fhir.FhirException;
import io.bastion.fhir.JsonStrings;
import io.bastion.fhir.JsonText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Field-level encryption of stored resources. A sealed value is the JSON string
 * {@code phi:1:<key id>:<base64url(nonce || AES-256-GCM ciphertext || tag)>}, with the key id, resource type and
 * id as associated data, so a sealed value copied into another resource does not open there. Revealing works
 * on the stored JSON text (no parse): the hot read path pays only for the values it decrypts.
 *
 * <p>A client string that itself starts with {@code phi:} is sealed too wherever it appears, so everything
 * that looks sealed in storage was sealed by Bastion.
 */
public final class PhiCipher implements PhiProtection {

  private static final Logger LOG = LoggerFactory.getLogger(PhiCipher.class);
  static final String MARK = "phi:1:";
  private static final String QUOTED_MARK = "\"" + MARK;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int BLIND_BYTES = 24;
  private static final int MIN_SHIFT_DAYS = 365;
  private static final int MAX_SHIFT_DAYS = 3650;

  private final PhiKeyRing keys;
  private final SecureRandom random;
  /** Primitive elements sealed wherever they appear (birthDate). */
  private final Set<String> leaves = new HashSet<>();
  /** Children sealed in every object under a parent (identifier → value). */
  private final Map<String, Set<String>> children = new HashMap<>();
  /** Every sealed element name, leaf or child: what the string index leaves out. */
  private final Set<String> sealedNames = new HashSet<>();
  private final List<Pattern> shiftedExpressions = new ArrayList<>();
  /** shiftsDates per expression: asked for every date parameter of every indexed resource and search. */
  private final Map<String, Boolean> shifted = new java.util.concurrent.ConcurrentHashMap<>();
  private final ThreadLocal<Mac> hmac;
  private final Duration dateShift;

  public PhiCipher(PhiKeyRing keys, List<String> elements, SecureRandom random) {
    this.keys = keys;
    this.random = random;
    for (String element : elements) {
      int dot = element.indexOf('.');
      if (dot < 0) {
        leaves.add(element);
        shiftedExpressions.add(Pattern.compile("\\." + element + "\\b"));
      } else {
        children.computeIfAbsent(element.substring(0, dot), k -> new HashSet<>()).add(element.substring(dot + 1));
      }
      sealedNames.add(element.substring(dot + 1)); // dot < 0: the whole name
    }
    SecretKeySpec blindKey = new SecretKeySpec(keys.blindKey(), "HmacSHA256");
    this.hmac = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(blindKey);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    });
    byte[] shift = mac("bastion-date-shift");
    int span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS;
    int days = MIN_SHIFT_DAYS + Math.floorMod(ByteBuffer.wrap(shift).getInt(), span);
    this.dateShift = Duration.ofDays((shift[4] & 1) == 0 ? days : -days);
  }

  @Override
  public JsonObject conceal(String type, String id, JsonObject resource) {
    JsonObject copy = resource.copy();
    Sealer sealer = new Sealer(keys.activeKeyId(), keys.active(), aad(keys.activeKeyId(), type, id));
    object(copy, Set.of(), sealer);
    return copy;
  }

  /**
   * As {@link #conceal}, written as JSON text in one walk: the names checked and the values sealed exactly where
   * {@link #object} and {@link #array} check and seal them, every other value as {@link JsonText} writes it.
   */
  @Override
  public String concealText(String type, String id, JsonObject resource) {
    Sealer sealer = new Sealer(keys.activeKeyId(), keys.active(), aad(keys.activeKeyId(), type, id));
    StringBuilder out = new StringBuilder(2048);
    objectText(out, resource, Set.of(), sealer);
    return out.toString();
  }

  private void objectText(StringBuilder out, JsonObject o, Set<String> sealedChildren, Sealer sealer) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : o) { // values as getValue gives them, as object() sees them
      String name = entry.getKey();
      if (name.startsWith("phi:")) {
        throw FhirException.of(422, "structure", "an element name may not start with phi:", name);
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      JsonStrings.appendQuoted(out, name).append(':');
      Object value = entry.getValue();
      boolean seal = leaves.contains(name) || sealedChildren.contains(name);
      if (value instanceof String s) {
        JsonStrings.appendQuoted(out, seal || s.startsWith("phi:") ? sealer.seal(s) : s);
      } else if (value instanceof JsonArray a) {
        arrayText(out, a, seal, children.getOrDefault(name, Set.of()), sealer);
      } else if (value instanceof JsonObject nested) {
        objectText(out, nested, children.getOrDefault(name, Set.of()), sealer);
      } else {
        JsonText.append(out, value);
      }
    }
    out.append('}');
  }

  private void arrayText(StringBuilder out, JsonArray a, boolean seal, Set<String> sealedChildren, Sealer sealer) {
    out.append('[');
    for (int i = 0; i < a.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Object item = a.getValue(i);
      if (item instanceof String s) {
        JsonStrings.appendQuoted(out, seal || s.startsWith("phi:") ? sealer.seal(s) : s);
      } else if (item instanceof JsonObject nested) {
        objectText(out, nested, sealedChildren, sealer);
      } else if (item instanceof JsonArray inner) {
        arrayText(out, inner, seal, sealedChildren, sealer);
      } else {
        JsonText.append(out, item);
      }
    }
    out.append(']');
  }

  private void object(JsonObject o, Set<String> sealedChildren, Sealer sealer) {
    for (String name : new ArrayList<>(o.fieldNames())) {
      if (name.startsWith("phi:")) {
        throw FhirException.of(422, "structure", "an element name may not start with phi:", name);
      }
      Object value = o.getValue(name);
      boolean seal = leaves.contains(name) || sealedChildren.contains(name);
      if (value instanceof String s) {
        if (seal || s.startsWith("phi:")) {
          o.put(name, sealer.seal(s));
        }
      } else if (value instanceof JsonArray a) {
        array(a, seal, children.getOrDefault(name, Set.of()), sealer);
      } else if (value instanceof JsonObject nested) {
        object(nested, children.getOrDefault(name, Set.of()), sealer);
      }
    }
  }

  private void array(JsonArray a, boolean seal, Set<String> sealedChildren, Sealer sealer) {
    for (int i = 0; i < a.size(); i++) {
      Object item = a.getValue(i);
      if (item instanceof String s) {
        if (seal || s.startsWith("phi:")) {
          a.set(i, sealer.seal(s));
        }
      } else if (item instanceof JsonObject nested) {
        object(nested, sealedChildren, sealer);
      } else if (item instanceof JsonArray inner) {
        array(inner, seal, sealedChildren, sealer);
      }
    }
  }

  @Override
  public String reveal(String type, String id, String stored) {
    int at = stored.indexOf(QUOTED_MARK);
    if (at < 0) {
      return stored;
    }
    StringBuilder out = new StringBuilder(stored.length());
    int from = 0;
    while (at >= 0) {
      int end = stored.indexOf('"', at + 1);
      if (end < 0) {
        break;
      }
      out.append(stored, from, at);
      String plain = open(type, id, stored.substring(at + 1, end));
      if (plain == null) {
        out.append(stored, at, end + 1);
      } else {
        JsonStrings.appendQuoted(out, plain);
      }
      from = end + 1;
      at = stored.indexOf(QUOTED_MARK, from);
    }
    return out.append(stored, from, stored.length()).toString();
  }

  /** The plaintext of one sealed value, or null when it does not open here (left as stored, never guessed). */
  private String open(String type, String id, String sealed) {
    int colon = sealed.indexOf(':', MARK.length());
    if (colon < 0) {
      return null;
    }
    String keyId = sealed.substring(MARK.length(), colon);
    SecretKey key = keys.dataKey(keyId);
    if (key == null) {
      LOG.warn("a sealed value of a {} names PHI key {}, which this node does not hold", type, keyId);
      return null;
    }
    try {
      return new String(Aes256Gcm.open(key, aad(keyId, type, id), B64D.decode(sealed.substring(colon + 1))),
          StandardCharsets.UTF_8);
    } catch (PhiKeyException | IllegalArgumentException e) {
      LOG.warn("a sealed value of a {} does not open under key {} (altered, or copied from another resource)",
          type, keyId);
      return null;
    }
  }

  /** True when the stored JSON holds a value sealed under a key other than the active one. */
  boolean needsReencryption(String stored) {
    String current = QUOTED_MARK + keys.activeKeyId() + ":";
    for (int at = stored.indexOf(QUOTED_MARK); at >= 0; at = stored.indexOf(QUOTED_MARK, at + 1)) {
      if (!stored.startsWith(current, at)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean blindsTokens() {
    return true;
  }

  @Override
  public String blind(String value) {
    return "b1:" + B64.encodeToString(java.util.Arrays.copyOf(mac(value), BLIND_BYTES));
  }

  @Override
  public boolean seals(String elementName) {
    return sealedNames.contains(elementName);
  }

  @Override
  public boolean shiftsDates(String expression) {
    return shifted.computeIfAbsent(expression,
        e -> shiftedExpressions.stream().anyMatch(p -> p.matcher(e).find()));
  }

  @Override
  public Duration dateShift() {
    return dateShift;
  }

  private byte[] mac(String value) {
    return hmac.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] aad(String keyId, String type, String id) {
    return (MARK + keyId + "|" + type + "/" + id).getBytes(StandardCharsets.UTF_8);
  }

  /** Seals values of one resource under one key. */
  private final class Sealer {
    private final String keyId;
    private final SecretKey key;
    private final byte[] aad;

    Sealer(String keyId, SecretKey key, byte[] aad) {
      this.keyId = keyId;
      this.key = key;
      this.aad = aad;
    }

    String seal(String plain) {
      return MARK + keyId + ":" + B64.encodeToString(Aes256Gcm.seal(key, random, aad,
          plain.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
