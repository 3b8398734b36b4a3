package io.bastion.fhir.format;

/**
 * An XML body that is not converted: hostile (a DTD, entities), malformed, too deep, or not a FHIR R4
 * resource. Carries the HTTP status and the OperationOutcome issue code to answer with; the message
 * names the problem and its position, never a value from the body.
 */
public final class XmlRejectedException extends RuntimeException {

  private final int status;
  private final String issueCode;

  public XmlRejectedException(int status, String issueCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.issueCode = issueCode;
  }

  public int status() {
    return status;
  }

  public String issueCode() {
    return issueCode;
  }
}
