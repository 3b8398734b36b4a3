package io.bastion.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One audited event, with what a FHIR R4 AuditEvent needs under the IHE Basic Audit Log Patterns (BALP):
 * what kind of event (type, subtype: the REST interaction), the action, when, the outcome, who (agents),
 * which node saw it (source), what it touched (entities, including the patient whenever the data belongs
 * to one) and the request id. {@link #toAuditEvent()} defines the resource as a JSON tree; the trail hashes
 * and stores the same text written straight from the record by {@link CanonicalAuditEvent}, which a test
 * holds equal to the canonical JSON of this tree.
 *
 * @param type event type, e.g. {@link AuditCodes#REST}
 * @param subtype e.g. {@link AuditCodes#interaction(String)}; null when the type needs none
 * @param action C, R, U, D or E
 * @param recorded when it happened (stored at millisecond precision)
 * @param outcome success or the failure's severity
 * @param outcomeDescription short, PHI-free reason for a failure; null on success
 * @param agents who took part; the requestor first
 * @param source the node id that observed the event
 * @param entities what was touched
 * @param requestId the request id of the HTTP request, or null
 */
public record AuditRecord(
    Coding type,
    Coding subtype,
    Action action,
    Instant recorded,
    Outcome outcome,
    String outcomeDescription,
    List<Agent> agents,
    String source,
    List<Entity> entities,
    String requestId) {

  public AuditRecord {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(recorded, "recorded");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(source, "source");
    recorded = recorded.truncatedTo(ChronoUnit.MILLIS);
    agents = List.copyOf(agents);
    entities = List.copyOf(entities);
  }

  /** AuditEvent.action. */
  public enum Action {
    C, R, U, D, E
  }

  /** AuditEvent.outcome (http://hl7.org/fhir/audit-event-outcome). */
  public enum Outcome {
    SUCCESS("0"), MINOR_FAILURE("4"), SERIOUS_FAILURE("8"), MAJOR_FAILURE("12");

    private final String code;

    Outcome(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** A FHIR Coding. */
  public record Coding(String system, String code, String display) {

    JsonObject toJson() {
      return new JsonObject().put("system", system).put("code", code).put("display", display);
    }
  }

  /**
   * AuditEvent.agent.
   *
   * @param type BALP agent type, e.g. {@link AuditCodes#AGENT_USER} or {@link AuditCodes#AGENT_APPLICATION}
   * @param who user id, client id or service name (an identifier, never a person's name)
   * @param role role or SMART context of the agent, or null
   * @param requestor whether this agent initiated the event
   * @param networkAddress client IP address, or null
   */
  public record Agent(Coding type, String who, String role, boolean requestor, String networkAddress) {

    public Agent {
      Objects.requireNonNull(who, "who");
    }

    JsonObject toJson() {
      JsonObject agent = new JsonObject()
          .put("who", new JsonObject().put("identifier", new JsonObject().put("value", who)))
          .put("requestor", requestor);
      if (type != null) {
        agent.put("type", new JsonObject().put("coding", new JsonArray().add(type.toJson())));
      }
      if (role != null) {
        agent.put("role", new JsonArray().add(new JsonObject().put("text", role)));
      }
      if (networkAddress != null) {
        agent.put("network", new JsonObject().put("address", networkAddress).put("type", "2"));
      }
      return agent;
    }
  }

  /**
   * AuditEvent.entity.
   *
   * @param reference a relative reference such as {@code Patient/123}, or null for a query
   * @param type audit entity type
   * @param role object role, e.g. {@link AuditCodes#ROLE_PATIENT}
   * @param query the search query string (stored base64 as FHIR requires), or null
   */
  public record Entity(String reference, Coding type, Coding role, String query) {

    /** The patient whose data was read or written: BALP requires it whenever the data belongs to a patient. */
    public static Entity patient(String patientId) {
      return new Entity("Patient/" + patientId, AuditCodes.ENTITY_PERSON, AuditCodes.ROLE_PATIENT, null);
    }

    /** A resource read or written, e.g. {@code Observation/9}. */
    public static Entity resource(String reference) {
      return new Entity(reference, AuditCodes.ENTITY_SYSTEM_OBJECT, AuditCodes.ROLE_DOMAIN_RESOURCE, null);
    }

    /** A search, e.g. {@code Observation?code=1234-5}. */
    public static Entity query(String query) {
      return new Entity(null, AuditCodes.ENTITY_SYSTEM_OBJECT, AuditCodes.ROLE_QUERY, query);
    }

    /** The patient id if this entity is a patient, else null. */
    public String patientId() {
      return AuditCodes.ROLE_PATIENT.equals(role) && reference != null && reference.startsWith("Patient/")
          ? reference.substring("Patient/".length()) : null;
    }

    JsonObject toJson() {
      JsonObject entity = new JsonObject();
      if (reference != null) {
        entity.put("what", new JsonObject().put("reference", reference));
      }
      if (type != null) {
        entity.put("type", type.toJson());
      }
      if (role != null) {
        entity.put("role", role.toJson());
      }
      if (query != null) {
        entity.put("query", Base64.getEncoder().encodeToString(query.getBytes(StandardCharsets.UTF_8)));
      }
      return entity;
    }
  }

  /** The ids of the patients this event is about, for the search columns. */
  public List<String> patientIds() {
    List<String> ids = new ArrayList<>(1);
    for (Entity entity : entities) {
      String id = entity.patientId();
      if (id != null && !ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** The requestor's identifier (or the first agent's), for the search column; null without agents. */
  public String requestorId() {
    return agents.stream().filter(Agent::requestor).findFirst().or(() -> agents.stream().findFirst())
        .map(Agent::who).orElse(null);
  }

  /** The FHIR R4 AuditEvent, without id (the sequence number becomes its id when it is served). */
  public JsonObject toAuditEvent() {
    JsonObject event = new JsonObject()
        .put("resourceType", "AuditEvent")
        .put("type", type.toJson())
        .put("action", action.name())
        .put("recorded", recorded.toString())
        .put("outcome", outcome.code());
    if (subtype != null) {
      event.put("subtype", new JsonArray().add(subtype.toJson()));
    }
    if (outcomeDescription != null) {
      event.put("outcomeDesc", outcomeDescription);
    }
    JsonArray agentArray = new JsonArray();
    agents.forEach(agent -> agentArray.add(agent.toJson()));
    event.put("agent", agentArray);
    event.put("source", new JsonObject().put("observer", new JsonObject().put("display", source))
        .put("type", new JsonArray().add(AuditCodes.SOURCE_APPLICATION_SERVER.toJson())));
    JsonArray entityArray = new JsonArray();
    entities.forEach(entity -> entityArray.add(entity.toJson()));
    if (requestId != null) {
      entityArray.add(new JsonObject()
          .put("what", new JsonObject().put("identifier", new JsonObject().put("value", requestId)))
          .put("type", AuditCodes.ENTITY_REQUEST_ID.toJson()));
    }
    if (!entityArray.isEmpty()) {
      event.put("entity", entityArray);
    }
    return event;
  }
}
