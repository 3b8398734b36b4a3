package io.bastion.fhir.store;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An If-None-Match precondition on a PUT (RFC 9110 13.1.2): the write is refused when the resource's current
 * version is one the condition names. {@code *} names any live version, so a PUT under it only creates; a
 * deleted resource has no current representation, so it may be re-created under {@code *} too. Comparison is
 * weak, as If-None-Match's always is: {@code "3"} and {@code W/"3"} name the same version.
 */
public record NoneMatch(boolean any, Set<Integer> versions) {

  private static final Pattern VERSION_TAG = Pattern.compile("(?:W/)?\"([1-9][0-9]{0,8})\"");

  public NoneMatch {
    versions = Set.copyOf(versions);
  }

  /**
   * The header's (or a Bundle entry's {@code request.ifNoneMatch}) condition, or null when there is none;
   * throws IllegalArgumentException for anything but {@code *} or version ETags, because a write must not go
   * ahead on a precondition it cannot read.
   */
  public static NoneMatch parse(String header) {
    if (header == null) {
      return null;
    }
    boolean any = false;
    Set<Integer> versions = new HashSet<>();
    for (String tag : header.split(",", -1)) {
      String trimmed = tag.trim();
      Matcher m = VERSION_TAG.matcher(trimmed);
      if (trimmed.equals("*")) {
        any = true;
      } else if (m.matches()) {
        versions.add(Integer.parseInt(m.group(1)));
      } else {
        throw new IllegalArgumentException("If-None-Match must be * or version ETags such as W/\"3\"");
      }
    }
    return new NoneMatch(any, versions);
  }

  /** Whether a resource at this version (deleted or not) fails the condition. */
  public boolean refuses(int currentVersion, boolean deleted) {
    return !deleted && (any || versions.contains(currentVersion));
  }

  /** Why a write was refused, for the OperationOutcome. */
  String refusal(int currentVersion) {
    return any ? "If-None-Match: * allows only a create, and the resource exists (version " + currentVersion + ")"
        : "If-None-Match names version " + currentVersion + ", the current version";
  }
}
