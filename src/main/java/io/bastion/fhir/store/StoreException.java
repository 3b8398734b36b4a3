package io.bastion.fhir.store;

/** A write or read the store refused, by reason; the FHIR routes turn the reason into a status. */
public final class StoreException extends RuntimeException {

  public enum Reason {
    /** no resource with this type and id (or no such version) */
    NOT_FOUND,
    /** the resource (or the version asked for) is a deletion */
    GONE,
    /** If-Match named a version that is not the current one */
    VERSION_MISMATCH,
    /** a concurrent write got there first (unique violation, serialization failure) */
    CONFLICT
  }

  private final Reason reason;

  public StoreException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
