package io.bastion.fhir;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.ChainHash;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /fhir/AuditEvent}: read and search over the audit chain ({@code audit_event}), never over
 * {@code fhir_resource}. Read-only: every other method answers 405. The served AuditEvent is the stored
 * canonical event with {@code id} = its sequence number and {@code meta.lastUpdated} = when it was recorded.
 * Search pages newest first, by keyset on seq ({@code _cursor} = the last seq of the previous page).
 * Each request is itself audited once (query or read entity, no patient entity, so reading the trail does
 * not show up in "who accessed patient X").
 */
final class AuditEventRoutes {

  static final String TYPE = "AuditEvent";
  private static final int DEFAULT_COUNT = 50;
  private static final int MAX_COUNT = 500;
  private static final Set<String> PARAMS = Set.of("patient", "entity", "agent", "date", "_count", "_cursor",
      "_format", "_pretty");

  private final Pool pool;

  AuditEventRoutes(Pool pool) {
    this.pool = pool;
  }

  /** Mounted before the generic /fhir/:type routes. */
  void mount(Router router, Handler<RoutingContext> readGuard, Handler<RoutingContext> searchGuard) {
    router.get("/fhir/AuditEvent").handler(searchGuard).handler(this::search);
    router.get("/fhir/AuditEvent/:id").handler(readGuard).handler(this::read);
    router.route("/fhir/AuditEvent").handler(AuditEventRoutes::refuse);
    router.route("/fhir/AuditEvent/*").handler(AuditEventRoutes::refuse);
  }

  private static void refuse(RoutingContext ctx) {
    if (ctx.request().method().name().equals("GET")) {
      FhirRoutes.fail(ctx, FhirException.of(400, "not-supported",
          "AuditEvent supports read (/fhir/AuditEvent/{seq}) and search (/fhir/AuditEvent?...) only"));
      return;
    }
    ctx.response().putHeader("Allow", "GET");
    FhirRoutes.fail(ctx, FhirException.of(405, "not-supported",
        "AuditEvent is read-only: audit records are written by the server only"));
  }

  private void read(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[1-9][0-9]{0,17}")) {
      FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "no AuditEvent with this id"));
      return;
    }
    long seq = Long.parseLong(id);
    pool.preparedQuery("SELECT seq, recorded, entry FROM audit_event WHERE seq = $1").execute(Tuple.of(seq))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            FhirRoutes.fail(ctx, FhirException.of(404, "not-found", "no AuditEvent with this id"));
            return;
          }
          JsonObject event = served(rows.iterator().next());
          FhirAudit.respond(ctx, List.of(Entity.resource(TYPE + "/" + seq)), () -> FhirFormats.end(ctx, event.encode()));
        })
        .onFailure(e -> FhirRoutes.fail(ctx, e));
  }

  private void search(RoutingContext ctx) {
    try {
      StringBuilder sql = new StringBuilder("SELECT seq, recorded, entry FROM audit_event WHERE true");
      Tuple args = Tuple.tuple();
      List<Map.Entry<String, String>> kept = new ArrayList<>();
      int count = DEFAULT_COUNT;
      for (Map.Entry<String, String> param : ctx.queryParams()) {
        String name = param.getKey();
        String value = param.getValue();
        if (!PARAMS.contains(name)) {
          throw FhirException.of(400, "not-supported", "AuditEvent search supports patient, entity, agent, date, "
              + "_count; not " + name);
        }
        switch (name) {
          case "patient" -> {
            String patient = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
            args.addValue(new String[] {patient});
            sql.append(" AND patients @> $").append(args.size()).append("::text[]");
          }
          case "entity" -> {
            if (!value.matches("[A-Za-z]+(/[A-Za-z0-9\\-.]{1,64})?")) {
              throw FhirException.of(400, "value", "entity must be Type/id");
            }
            args.addValue("\"reference\":\"" + value + "\"");
            sql.append(" AND strpos(entry, $").append(args.size()).append(") > 0");
          }
          case "agent" -> {
            args.addValue(value);
            sql.append(" AND agent = $").append(args.size());
          }
          case "date" -> dateCondition(value, sql, args);
          case "_count" -> count = count(value);
          case "_cursor" -> {
            if (!value.matches("[0-9]{1,18}")) {
              throw FhirException.of(400, "value", "_cursor must be the seq from a next link");
            }
            args.addValue(Long.parseLong(value));
            sql.append(" AND seq < $").append(args.size());
            continue; // not part of the query the next link repeats
          }
          default -> {
            continue;
          }
        }
        if (!name.equals("_count")) {
          kept.add(param);
        }
      }
      args.addValue(count + 1);
      sql.append(" ORDER BY seq DESC LIMIT $").append(args.size());
      int pageSize = count;
      pool.preparedQuery(sql.toString()).execute(args).onSuccess(rows -> {
        JsonArray entries = new JsonArray();
        long last = -1;
        boolean more = false;
        for (Row row : rows) {
          if (entries.size() == pageSize) {
            more = true;
            break;
          }
          JsonObject event = served(row);
          last = row.getLong("seq");
          entries.add(new JsonObject().put("fullUrl", FhirHeaders.base(ctx) + "/AuditEvent/" + last).put("resource", event)
              .put("search", new JsonObject().put("mode", "match")));
        }
        String query = query(kept, pageSize);
        JsonArray links = new JsonArray().add(new JsonObject().put("relation", "self")
            .put("url", FhirHeaders.base(ctx) + "/AuditEvent?" + query));
        if (more) {
          links.add(new JsonObject().put("relation", "next")
              .put("url", FhirHeaders.base(ctx) + "/AuditEvent?" + query + "&_cursor=" + last));
        }
        JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset")
            .put("link", links).put("entry", entries);
        FhirAudit.respond(ctx, List.of(Entity.query(TYPE + "?" + query)), () -> FhirFormats.end(ctx, bundle.encode()));
      }).onFailure(e -> FhirRoutes.fail(ctx, e));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  private static int count(String value) {
    try {
      int count = Integer.parseInt(value);
      if (count < 1) {
        throw FhirException.of(400, "value", "_count must be at least 1");
      }
      return Math.min(count, MAX_COUNT);
    } catch (NumberFormatException e) {
      throw FhirException.of(400, "value", "_count must be a number");
    }
  }

  /** {@code date=[ge|gt|le|lt|eq]<date or instant>} on the recorded column. */
  private static void dateCondition(String value, StringBuilder sql, Tuple args) {
    String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
    String text = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(2) : value;
    OffsetDateTime start;
    OffsetDateTime end;
    try {
      if (text.length() == 10) {
        start = LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
        end = start.plusDays(1);
      } else {
        start = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        end = start;
      }
    } catch (DateTimeParseException e) {
      throw FhirException.of(400, "value", "date must be YYYY-MM-DD or an instant with a time zone");
    }
    switch (prefix) {
      case "ge" -> condition(sql, args, ">=", start);
      case "gt" -> condition(sql, args, start.equals(end) ? ">" : ">=", end);
      case "lt" -> condition(sql, args, "<", start);
      case "le" -> condition(sql, args, start.equals(end) ? "<=" : "<", end);
      case "eq" -> {
        if (start.equals(end)) {
          condition(sql, args, "=", start);
        } else {
          condition(sql, args, ">=", start);
          condition(sql, args, "<", end);
        }
      }
      default -> throw FhirException.of(400, "value", "date prefix must be ge, gt, le, lt or eq");
    }
  }

  private static void condition(StringBuilder sql, Tuple args, String op, OffsetDateTime at) {
    args.addValue(at);
    sql.append(" AND recorded ").append(op).append(" $").append(args.size());
  }

  private static String query(List<Map.Entry<String, String>> params, int count) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> param : params) {
      if (param.getKey().startsWith("_format") || param.getKey().startsWith("_pretty")) {
        continue;
      }
      query.append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8)).append('&');
    }
    return query.append("_count=").append(count).toString();
  }

  /** The stored canonical AuditEvent with id = seq and meta.lastUpdated = recorded. */
  static JsonObject served(Row row) {
    JsonObject event = new JsonObject(ChainHash.eventOf(row.getString("entry")));
    event.put("id", String.valueOf(row.getLong("seq")));
    event.put("meta", new JsonObject().put("lastUpdated",
        row.getOffsetDateTime("recorded").toInstant().toString()));
    return event;
  }
}
