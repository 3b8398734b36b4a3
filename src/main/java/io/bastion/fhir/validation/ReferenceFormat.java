package io.bastion.fhir.validation;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms Reference.reference may take in R4: a relative {@code Type/id} (optionally
 * {@code /_history/vid}), an absolute URL, a local {@code #id} to a contained resource, or a
 * {@code urn:uuid:} / {@code urn:oid:} placeholder. A relative or absolute RESTful reference whose type the
 * element does not allow is an error (Observation.subject cannot point to a Medication).
 */
final class ReferenceFormat {

  private static final Pattern RELATIVE = Pattern.compile(
      "([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(/_history/[A-Za-z0-9\\-.]{1,64})?");
  /** An absolute URL whose path ends in a RESTful Type/id[/_history/vid]. */
  private static final Pattern ABSOLUTE_RESTFUL = Pattern.compile(
      "[a-zA-Z][a-zA-Z0-9+.\\-]*://\\S*?/([A-Z][A-Za-z]{1,63})/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?");
  private static final Pattern ABSOLUTE = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.\\-]*://\\S+");
  private static final Pattern UUID = Pattern.compile(
      "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]*))+");
  private static final Pattern LOCAL = Pattern.compile("#([A-Za-z0-9\\-.]{1,64})?");

  private final ResourceTypes types;

  ReferenceFormat(ResourceTypes types) {
    this.types = types;
  }

  /**
   * Returns null when the reference is well formed and allowed here, else what is wrong.
   *
   * @param targets     resource types the element allows; empty means any
   * @param containedIds ids of the contained resources a local reference may name (null: none)
   */
  String check(String reference, Set<String> targets, Set<String> containedIds) {
    if (reference.length() > 4096) {
      return "is longer than 4096 characters";
    }
    if (reference.startsWith("#")) {
      Matcher local = LOCAL.matcher(reference);
      if (!local.matches()) {
        return "is not a valid local reference (#id of a contained resource)";
      }
      String id = local.group(1);
      if (id != null && (containedIds == null || !containedIds.contains(id))) {
        return "names no contained resource of this resource";
      }
      return null;
    }
    if (reference.startsWith("urn:uuid:")) {
      return UUID.matcher(reference).matches() ? null : "is not a valid urn:uuid (lower-case UUID)";
    }
    if (reference.startsWith("urn:oid:")) {
      return OID.matcher(reference).matches() ? null : "is not a valid urn:oid (dotted numbers)";
    }
    Matcher relative = RELATIVE.matcher(reference);
    if (relative.matches()) {
      return checkType(relative.group(1), targets);
    }
    Matcher absolute = ABSOLUTE_RESTFUL.matcher(reference);
    if (absolute.matches()) {
      // another server's resource: its type is still checked, when the URL is RESTful
      return types.isKnown(absolute.group(1)) ? checkType(absolute.group(1), targets) : null;
    }
    if (ABSOLUTE.matcher(reference).matches()) {
      return null;
    }
    return "must be Type/id, an absolute URL, #id of a contained resource, urn:uuid: or urn:oid:";
  }

  private String checkType(String type, Set<String> targets) {
    if (!types.isKnown(type)) {
      return "names a type that is not an R4 resource type";
    }
    if (!targets.isEmpty() && !targets.contains(type)) {
      return "may only reference " + String.join(", ", new TreeSet<>(targets)) + ", not " + type;
    }
    return null;
  }
}
