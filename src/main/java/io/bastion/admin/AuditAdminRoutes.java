package io.bastion.admin;

import io.bastion.audit.AuditAddresses;
import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.bastion.gateway.RequestContext;
import java.time.Clock;
import java.util.List;
import io.bastion.audit.ChainHash;
import io.bastion.gateway.ErrorRenderer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The dashboard's Audit panel API (permission audit.view: admin and security-officer):
 * {@code GET /admin/api/audit/verify} runs chain verification ({@link AuditAddresses#VERIFY}),
 * {@code GET /admin/api/audit/checkpoints} lists the newest checkpoints, {@code GET
 * /admin/api/audit/events?patient=X} the newest events whose data belongs to patient X (time, agent,
 * action, interaction, entities), through the GIN index on {@code patients}. All read-only.
 */
final class AuditAdminRoutes {

  private static final int MAX_EVENTS = 200;
  private static final long VERIFY_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final Pool pool;
  private final AdminGuards guards;

  /** Each patient search is audited here (a query record, no patient entity); null: not audited. */
  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  AuditAdminRoutes(Vertx vertx, Pool pool, AdminGuards guards, AuditTrail trail, String node, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.guards = guards;
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  void mount(Router router) {
    var view = guards.require(Permission.AUDIT_VIEW);
    router.get("/admin/api/audit/verify").handler(view).handler(this::verify);
    router.get("/admin/api/audit/checkpoints").handler(view).handler(this::checkpoints);
    router.get("/admin/api/audit/events").handler(view).handler(this::events);
  }

  private void verify(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(AuditAddresses.VERIFY, new JsonObject(),
        new DeliveryOptions().setSendTimeout(VERIFY_TIMEOUT_MS)).onComplete(reply -> {
          if (reply.succeeded()) {
            ctx.json(reply.result().body());
          } else {
            ErrorRenderer.render(ctx, 503, "verification could not run: " + reply.cause().getClass().getSimpleName());
          }
        });
  }

  private void checkpoints(RoutingContext ctx) {
    int limit = limit(ctx, 20);
    pool.preparedQuery("SELECT id, seq, hash, node, signed_at FROM audit_checkpoint ORDER BY id DESC LIMIT $1")
        .execute(Tuple.of(limit)).onSuccess(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            list.add(new JsonObject().put("id", row.getLong("id")).put("seq", row.getLong("seq"))
                .put("hash", ChainHash.hex(row.getBuffer("hash").getBytes())).put("node", row.getString("node"))
                .put("signedAt", row.getOffsetDateTime("signed_at").toInstant().toString()));
          }
          ctx.json(new JsonObject().put("checkpoints", list));
        }).onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    String patient = ctx.queryParams().get("patient");
    if (patient == null || patient.isBlank() || patient.length() > 64) {
      ErrorRenderer.render(ctx, 400, "patient (a Patient id) is required");
      return;
    }
    String id = patient.trim().startsWith("Patient/") ? patient.trim().substring(8) : patient.trim();
    int limit = limit(ctx, 50);
    pool.preparedQuery("SELECT seq, recorded, entry FROM audit_event WHERE patients @> $1::text[] "
        + "ORDER BY seq DESC LIMIT $2").execute(Tuple.of(new String[] {id}, limit)).onSuccess(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            list.add(summary(row));
          }
          JsonObject reply = new JsonObject().put("patient", id).put("events", list);
          if (trail == null) {
            ctx.json(reply);
            return;
          }
          // reading the trail is itself audited: one query record, without the patient entity, so reading
          // who accessed patient X does not itself show up as an access to X
          AdminUser user = AdminGuards.currentUser(ctx);
          RequestContext request = RequestContext.of(ctx);
          AuditRecord record = new AuditRecord(AuditCodes.REST, AuditCodes.interaction("search-type"),
              AuditRecord.Action.E, clock.instant(), AuditRecord.Outcome.SUCCESS, null,
              List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, user == null ? "unknown" : user.username(),
                  user == null ? null : String.join(" ", user.roleNames()), true,
                  request == null ? null : request.clientIp())),
              node, List.of(AuditRecord.Entity.query("AuditEvent?patient=" + id)),
              request == null ? null : request.requestId());
          trail.append(record).onComplete(done -> {
            if (done.succeeded()) {
              ctx.json(reply);
            } else {
              ErrorRenderer.render(ctx, 503, "the audit trail is unavailable; try again later");
            }
          });
        }).onFailure(ctx::fail);
  }

  static JsonObject summary(Row row) {
    JsonObject event = new JsonObject(ChainHash.eventOf(row.getString("entry")));
    String agent = null;
    JsonArray agents = event.getJsonArray("agent", new JsonArray());
    if (!agents.isEmpty()) {
      JsonObject who = agents.getJsonObject(0).getJsonObject("who", new JsonObject());
      agent = who.getJsonObject("identifier", new JsonObject()).getString("value", who.getString("display"));
    }
    JsonArray subtypes = event.getJsonArray("subtype", new JsonArray());
    JsonArray entities = new JsonArray();
    event.getJsonArray("entity", new JsonArray()).forEach(e -> {
      JsonObject what = ((JsonObject) e).getJsonObject("what");
      if (what != null && what.getString("reference") != null) {
        entities.add(what.getString("reference"));
      }
    });
    return new JsonObject().put("seq", row.getLong("seq"))
        .put("recorded", row.getOffsetDateTime("recorded").toInstant().toString())
        .put("agent", agent).put("action", event.getString("action"))
        .put("interaction", subtypes.isEmpty() ? null : subtypes.getJsonObject(0).getString("code"))
        .put("outcome", event.getString("outcome")).put("entity", entities);
  }

  private static int limit(RoutingContext ctx, int fallback) {
    try {
      String text = ctx.queryParams().get("limit");
      return text == null ? fallback : Math.max(1, Math.min(MAX_EVENTS, Integer.parseInt(text)));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
