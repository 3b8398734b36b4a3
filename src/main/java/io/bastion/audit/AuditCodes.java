package io.bastion.audit;

import io.bastion.audit.AuditRecord.Coding;

/** The code systems and codes Bastion's AuditEvents use (FHIR R4, DICOM and IHE BALP). */
public final class AuditCodes {

  private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
  private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  private static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
  private static final String BALP_ENTITY = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

  /** A FHIR REST interaction; the subtype names which ({@link #interaction(String)}). */
  public static final Coding REST = new Coding(EVENT_TYPE, "rest", "RESTful Operation");
  /** Logins, failed logins and logouts; subtypes {@link #LOGIN} and {@link #LOGOUT}. */
  public static final Coding USER_AUTHENTICATION = new Coding(DICOM, "110114", "User Authentication");
  public static final Coding LOGIN = new Coding(DICOM, "110122", "Login");
  public static final Coding LOGOUT = new Coding(DICOM, "110123", "Logout");
  /** Admin, configuration and rule changes, backups and restores. */
  public static final Coding APPLICATION_ACTIVITY = new Coding(DICOM, "110100", "Application Activity");
  public static final Coding EXPORT = new Coding(DICOM, "110106", "Export");
  /** An administrator changed accounts, roles, credentials or tokens. */
  public static final Coding ADMIN_CHANGE = new Coding(DICOM, "110137", "User Security Attributes Changed");
  public static final Coding SECURITY_ALERT = new Coding(DICOM, "110113", "Security Alert");

  public static final Coding AGENT_USER = new Coding(PARTICIPATION, "IRCP", "information recipient");
  public static final Coding AGENT_APPLICATION = new Coding(DICOM, "110150", "Application");

  public static final Coding ENTITY_PERSON = new Coding(ENTITY_TYPE, "1", "Person");
  public static final Coding ENTITY_SYSTEM_OBJECT = new Coding(ENTITY_TYPE, "2", "System Object");
  public static final Coding ENTITY_REQUEST_ID = new Coding(BALP_ENTITY, "XrequestId", "X-Request-Id");
  public static final Coding ROLE_PATIENT = new Coding(OBJECT_ROLE, "1", "Patient");
  public static final Coding ROLE_DOMAIN_RESOURCE = new Coding(OBJECT_ROLE, "4", "Domain Resource");
  public static final Coding ROLE_QUERY = new Coding(OBJECT_ROLE, "24", "Query");

  public static final Coding SOURCE_APPLICATION_SERVER = new Coding(SOURCE_TYPE, "4", "Application Server");

  private AuditCodes() {
  }

  /** The subtype for a FHIR interaction code: read, vread, update, patch, delete, history-*, create, search-*. */
  /** The specific admin action, e.g. {@code user.create}, {@code ctl-token.revoke}. */
  public static Coding adminAction(String code) {
    return new Coding("urn:bastion:admin-action", code, null);
  }

  public static Coding interaction(String code) {
    return new Coding(INTERACTION, code, code);
  }
}
