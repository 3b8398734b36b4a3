package io.bastion.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditRecord.Action;
import io.bastion.audit.AuditRecord.Agent;
import io.bastion.audit.AuditRecord.Coding;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.AuditRecord.Outcome;
import io.bastion.audit.AuditTrail;
import io.bastion.auth.Principal;
import io.bastion.fhir.store.ResourceVersion;
import io.bastion.fhir.validation.FhirIds;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the BALP AuditEvent of each FHIR interaction and holds the response until the record is durable.
 * {@link #guard} wraps each audited route's SMART scope check and remembers the interaction; the handler then answers
 * through {@link #respond} (success) or {@link FhirRoutes#fail} (which calls {@link #failed}). If the
 * append fails, the request is answered 503 instead: a response that was not audited is never sent.
 */
public final class FhirAudit {

  private static final Logger LOG = LoggerFactory.getLogger(FhirAudit.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final String KEY = "bastion.fhir.audit";
  private static final String ANONYMOUS = "anonymous";

  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  public FhirAudit(AuditTrail trail, String node, Clock clock) {
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  /** What the current request is: remembered in the routing context by {@link #guard}. */
  private record Marked(FhirAudit audit, Coding subtype, Action action) {
  }

  /**
   * The route's guard with auditing: remembers the interaction for {@link #respond} and {@link #failed},
   * then runs the SMART scope check ({@code check}, null when auth is off). With a check, the result is
   * itself an authorization handler (so the router keeps it first) and a refusal (401/403) is audited as a
   * failure; that record is appended just after the refusal was sent, as the check writes its answer
   * itself (a refusal carries no data).
   */
  public Handler<RoutingContext> guard(io.bastion.auth.Interaction interaction, Handler<RoutingContext> check) {
    Marked typed = marked(interaction, false);
    Marked system = marked(interaction, true);
    if (check == null) {
      return ctx -> {
        ctx.put(KEY, ctx.pathParam("type") == null ? system : typed);
        ctx.next();
      };
    }
    return new Guard(typed, system, check);
  }

  /**
   * Re-marks a {@code POST /fhir} whose Bundle is a batch: the route is guarded as a transaction before its body is
   * read, and the record's subtype should say which of the two ran (BALP, restful-interaction).
   */
  static void markBatch(RoutingContext ctx) {
    Marked marked = ctx.get(KEY);
    if (marked != null) {
      ctx.put(KEY, marked.audit().marked(io.bastion.auth.Interaction.BATCH, true));
    }
  }

  /** The record's subtype and action for an interaction, at type (or instance) level or at system level. */
  private Marked marked(io.bastion.auth.Interaction interaction, boolean systemLevel) {
    Action action = switch (interaction) {
      case CREATE -> Action.C;
      case UPDATE, PATCH -> Action.U;
      case DELETE -> Action.D;
      case SEARCH, BATCH, TRANSACTION, EVERYTHING, EXPORT -> Action.E;
      default -> Action.R;
    };
    String subtype = switch (interaction) {
      case SEARCH -> systemLevel ? "search-system" : "search-type";
      case HISTORY -> systemLevel ? "history-system" : "history-type";
      case HISTORY_INSTANCE -> "history-instance";
      default -> interaction.name().toLowerCase(java.util.Locale.ROOT);
    };
    return new Marked(this, AuditCodes.interaction(subtype), action);
  }

  /**
   * Marks a request that content negotiation refuses (406, 415) before its route, and so its guard, ran: with
   * the interaction its method and path name, so that {@link #failed} records the refusal like any other.
   * Nothing is marked for /metadata (public, never audited) or a path no route serves.
   */
  void markBeforeRoute(RoutingContext ctx) {
    FhirPaths.Target target = FhirPaths.classify(ctx.request().method(), ctx.normalizedPath());
    if (target != null) {
      ctx.put(KEY, marked(target.interaction(), target.systemLevel()));
    }
  }

  private static final class Guard implements io.vertx.ext.web.handler.AuthorizationHandler {

    private final Marked typed;
    private final Marked system;
    private final Handler<RoutingContext> check;

    Guard(Marked typed, Marked system, Handler<RoutingContext> check) {
      this.typed = typed;
      this.system = system;
      this.check = check;
    }

    @Override
    public void handle(RoutingContext ctx) {
      Marked marked = ctx.pathParam("type") == null ? system : typed;
      ctx.put(KEY, marked);
      check.handle(ctx);
      if (ctx.response().ended()) {
        ctx.remove(KEY);
        int status = ctx.response().getStatusCode();
        marked.audit.append(ctx, marked, Outcome.MINOR_FAILURE, "HTTP " + status, pathEntities(ctx), () -> {
        });
      }
    }

    @Override
    public io.vertx.ext.web.handler.AuthorizationHandler addAuthorizationProvider(
        io.vertx.ext.auth.authorization.AuthorizationProvider provider) {
      throw new UnsupportedOperationException("the SMART scope check uses no authorization provider");
    }

    @Override
    public io.vertx.ext.web.handler.AuthorizationHandler variableConsumer(
        java.util.function.BiConsumer<RoutingContext, io.vertx.ext.auth.authorization.AuthorizationContext> handler) {
      throw new UnsupportedOperationException("the SMART scope check takes no variables");
    }
  }

  /** Appends a success record with these entities, then runs {@code send}; 503 if the append fails. */
  public static void respond(RoutingContext ctx, List<Entity> entities, Runnable send) {
    Marked marked = ctx.get(KEY);
    if (marked == null) {
      send.run();
      return;
    }
    marked.audit.append(ctx, marked, Outcome.SUCCESS, null, entities, send);
  }

  /** Appends a failure record (entities from the path only), then runs {@code send}; 503 if the append fails. */
  static void failed(RoutingContext ctx, int status, Runnable send) {
    Marked marked = ctx.get(KEY);
    if (marked == null) {
      send.run();
      return;
    }
    ctx.remove(KEY); // one record per request, even if rendering fails again
    marked.audit.append(ctx, marked, status >= 500 ? Outcome.SERIOUS_FAILURE : Outcome.MINOR_FAILURE,
        "HTTP " + status, pathEntities(ctx), send);
  }

  private void append(RoutingContext ctx, Marked marked, Outcome outcome, String description, List<Entity> entities,
      Runnable send) {
    RequestContext request = RequestContext.of(ctx);
    String ip = request != null ? request.clientIp()
        : ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    AuditRecord record = new AuditRecord(AuditCodes.REST, marked.subtype, marked.action, clock.instant(), outcome,
        description, List.of(agent(Principal.of(ctx), ip)), node, entities,
        request == null ? null : request.requestId());
    trail.append(record).onComplete(done -> {
      if (done.succeeded()) {
        send.run();
      } else if (!ctx.response().ended()) {
        // no PHI here: the interaction and the failure's class only
        LOG.error("audit append failed for a FHIR {} ({}); answering 503", marked.subtype.code(),
            done.cause().getClass().getSimpleName());
        ctx.response().headers().remove("ETag").remove("Last-Modified").remove("Location")
            .remove("Content-Location");
        ErrorRenderer.renderOutcome(ctx, 503, new JsonArray().add(FhirException.issue("error", "transient",
            "the audit trail is unavailable; the request was not answered, try again later", null)));
      }
    });
  }

  private static Agent agent(Principal principal, String ip) {
    if (principal == null) {
      return new Agent(AuditCodes.AGENT_USER, ANONYMOUS, null, true, ip);
    }
    if (principal.subject() != null) {
      return new Agent(AuditCodes.AGENT_USER, principal.subject(), principal.clientId(), true, ip);
    }
    return new Agent(AuditCodes.AGENT_APPLICATION, principal.clientId() == null ? ANONYMOUS : principal.clientId(),
        null, true, ip);
  }

  /** The resource in the path (Type/id), and its patient when it is a Patient. */
  private static List<Entity> pathEntities(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    String id = ctx.pathParam("id");
    if (type == null) {
      // a route without :type (system level, AuditEvent), or refused before any route (markBeforeRoute)
      return FhirPaths.targets(ctx.normalizedPath());
    }
    if (id == null) {
      return List.of(Entity.resource(type));
    }
    return "Patient".equals(type) ? List.of(Entity.patient(id), Entity.resource(type + "/" + id))
        : List.of(Entity.resource(type + "/" + id));
  }

  /** A read or written version: the resource, and the patient its data belongs to, if any. */
  static List<Entity> entities(ResourceVersion version) {
    List<Entity> entities = new ArrayList<>(2);
    String patient = patientOf(version.type(), version.id(), version.json());
    if (patient != null) {
      entities.add(Entity.patient(patient));
    }
    entities.add(Entity.resource(version.type() + "/" + version.id()));
    return entities;
  }

  /** Just the resource from the path, and its patient when it is a Patient (deletes). */
  static List<Entity> entities(String type, String id) {
    return "Patient".equals(type) ? List.of(Entity.patient(id), Entity.resource(type + "/" + id))
        : List.of(Entity.resource(type + "/" + id));
  }

  /** A search or history page: the query (or type), and every patient whose data is in the page. */
  static List<Entity> pageEntities(Entity what, List<String[]> typeIdJson) {
    Set<String> patients = new LinkedHashSet<>();
    for (String[] entry : typeIdJson) {
      String patient = patientOf(entry[0], entry[1], entry[2]);
      if (patient != null) {
        patients.add(patient);
      }
    }
    List<Entity> entities = new ArrayList<>(patients.size() + 1);
    patients.forEach(id -> entities.add(Entity.patient(id)));
    if (what != null) {
      entities.add(what);
    }
    return entities;
  }

  /** The search as the query entity: {@code Type?name=value&...}, POST _search form parameters included. */
  static String query(String type, List<java.util.Map.Entry<String, String>> params) {
    StringBuilder query = new StringBuilder(type).append('?');
    for (int i = 0; i < params.size(); i++) {
      query.append(i == 0 ? "" : "&").append(params.get(i).getKey()).append('=').append(params.get(i).getValue());
    }
    return query.toString();
  }

  /**
   * The patient the resource belongs to: itself when a Patient, else the Patient its {@code subject} or
   * {@code patient} reference points at. Runs for every audited read, so it streams over the top level of
   * the JSON and skips every other member rather than building the tree; and only when one of those names
   * occurs in it at all.
   */
  static String patientOf(String type, String id, String json) {
    if ("Patient".equals(type)) {
      return id;
    }
    if (json == null || (!json.contains("\"subject\"") && !json.contains("\"patient\""))) {
      return null;
    }
    String subject = null;
    String patient = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("subject".equals(name)) {
          subject = reference(parser, value);
          String fromSubject = patientReference(subject);
          if (fromSubject != null) {
            return fromSubject; // it wins over patient: the rest of the resource need not be read
          }
        } else if ("patient".equals(name)) {
          patient = reference(parser, value);
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    String fromSubject = patientReference(subject);
    return fromSubject != null ? fromSubject : patientReference(patient);
  }

  /** The {@code reference} string of a Reference object the parser is at; skips anything else. */
  private static String reference(JsonParser parser, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    String reference = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken member = parser.nextToken();
      if ("reference".equals(name) && member == JsonToken.VALUE_STRING) {
        reference = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return reference;
  }

  private static String patientReference(String text) {
    if (text != null) {
      int at = text.lastIndexOf("Patient/");
      if (at >= 0 && (at == 0 || text.charAt(at - 1) == '/')) {
        String id = text.substring(at + "Patient/".length());
        int slash = id.indexOf('/');
        id = slash < 0 ? id : id.substring(0, slash);
        return FhirIds.isValid(id) ? id : null;
      }
    }
    return null;
  }
}
