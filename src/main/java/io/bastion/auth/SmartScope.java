package io.bastion.auth;

import java.util.List;
import java.util.Map;

/**
 * One SMART App Launch resource scope, normalised to v2: context, resource type ("*" for every type),
 * permissions (a set of c r u d s) and optional search-parameter restrictions (all must hold).
 *
 * @param text the scope as the token carried it, for logs and reasons
 */
public record SmartScope(String text, Context context, String resourceType, int permissions,
    Map<String, List<String>> restrictions) {

  /** Whose data the scope reaches: the launch patient's, the user's, or a backend system's. */
  public enum Context { PATIENT, USER, SYSTEM }

  /** SMART v2 permission letters, in their canonical order. */
  public enum Permission {
    CREATE('c'), READ('r'), UPDATE('u'), DELETE('d'), SEARCH('s');

    private final char letter;

    Permission(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }

    int bit() {
      return 1 << ordinal();
    }
  }

  public static final String ANY_TYPE = "*";

  public SmartScope {
    restrictions = Map.copyOf(restrictions);
  }

  public boolean permits(Permission permission) {
    return (permissions & permission.bit()) != 0;
  }

  /** True when the scope names this type or every type; a null type (system level) needs "*". */
  public boolean covers(String type) {
    return ANY_TYPE.equals(resourceType) || (type != null && resourceType.equals(type));
  }

  public boolean restricted() {
    return !restrictions.isEmpty();
  }

  /** The v2 spelling of the permissions, e.g. "rs". */
  public String letters() {
    StringBuilder out = new StringBuilder();
    for (Permission p : Permission.values()) {
      if (permits(p)) {
        out.append(p.letter());
      }
    }
    return out.toString();
  }
}
