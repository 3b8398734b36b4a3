package io.bastion.fhir;

/**
 * Limits on what one FHIR request may ask of the server. Body size comes from http.max-body-bytes; the
 * others bound the work a body can cause after it is read: a deeply nested document costs stack and a
 * huge array costs memory long before it reaches the database. Real resources stay far below both (the
 * deepest R4 structures, nested Questionnaire items, rarely pass 20 levels).
 *
 * @param maxBodyBytes largest request body read (write routes)
 * @param maxDepth     deepest nesting of objects and arrays in a resource
 * @param maxArrayLength longest array anywhere in a resource
 * @param maxCount     largest _count accepted on history
 * @param defaultCount page size when _count is absent
 * @param maxBundleEntries most entries in a batch or transaction Bundle
 */
public record FhirLimits(int maxBodyBytes, int maxDepth, int maxArrayLength, int maxCount, int defaultCount,
    int maxBundleEntries) {

  public static final int DEFAULT_MAX_BUNDLE_ENTRIES = 1_000;

  public FhirLimits(int maxBodyBytes, int maxDepth, int maxArrayLength, int maxCount, int defaultCount) {
    this(maxBodyBytes, maxDepth, maxArrayLength, maxCount, defaultCount, DEFAULT_MAX_BUNDLE_ENTRIES);
  }

  public static FhirLimits withBodyLimit(int maxBodyBytes) {
    return new FhirLimits(maxBodyBytes, 64, 10_000, 1_000, 20);
  }
}
