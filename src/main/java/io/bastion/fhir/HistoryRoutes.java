package io.bastion.fhir;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.fhir.store.HistoryCursor;
import io.bastion.fhir.store.HistoryQuery;
import io.bastion.fhir.store.ResourceStore;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The history interactions (system, type and instance level): pages of versions newest first, walked by a
 * cursor, each page confined to what the token may see and audited with the patients it shows.
 */
final class HistoryRoutes {

  /** _since outside these is refused: PostgreSQL timestamps and FHIR instants do not go further. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final Set<String> HISTORY_PARAMS = Set.of("_count", "_since", "_cursor", "_format", "_pretty");

  private final ResourceStore store;
  private final AccessConfinement confinement;
  private final RequestParameters parameters;
  private final Clock clock;

  HistoryRoutes(ResourceStore store, AccessConfinement confinement, RequestParameters parameters, Clock clock) {
    this.store = store;
    this.confinement = confinement;
    this.parameters = parameters;
    this.clock = clock;
  }

  /** GET /fhir/_history */
  void system(RoutingContext ctx) {
    history(ctx, null, null);
  }

  /** GET /fhir/{type}/_history */
  void type(RoutingContext ctx) {
    try {
      history(ctx, parameters.type(ctx), null);
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /** GET /fhir/{type}/{id}/_history */
  void instance(RoutingContext ctx) {
    try {
      history(ctx, parameters.type(ctx), parameters.id(ctx));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  private void history(RoutingContext ctx, String type, String id) {
    try {
      for (String name : ctx.queryParams().names()) {
        if (!HISTORY_PARAMS.contains(name)) {
          throw FhirException.of(400, "not-supported",
              "a query parameter is not supported on history; supported are _count, _since and _format");
        }
      }
      int count = parameters.count(ctx.request().getParam("_count"));
      String sinceText = ctx.request().getParam("_since");
      Instant since = sinceText == null ? null : since(sinceText);
      String cursorText = ctx.request().getParam("_cursor");
      HistoryCursor after = cursorText == null ? HistoryCursor.TOP : cursor(cursorText);
      String base = FhirHeaders.base(ctx);
      String path = ctx.request().path().substring("/fhir".length());
      String patient = confinement.patientOf(ctx);
      store.history(new HistoryQuery(type, id, since, count, after)).map(page -> confinement.visible(page, patient))
          .onSuccess(page -> FhirAudit.respond(ctx,
          FhirAudit.pageEntities(type == null ? null : Entity.resource(id == null ? type : type + "/" + id),
              page.entries().stream().map(v -> new String[] {v.type(), v.id(), v.json()}).toList()), () -> {
        String format = ctx.request().getParam("_format");
        String query = "_count=" + count + (sinceText == null ? "" : "&_since=" + encode(sinceText))
            + (format == null ? "" : "&_format=" + encode(format)); // every page in the format asked for
        String self = base + path + "?" + query + (cursorText == null ? "" : "&_cursor=" + encode(cursorText));
        String next = page.next() == null ? null : base + path + "?" + query + "&_cursor=" + page.next().encode();
        FhirFormats.end(ctx, HistoryBundle.render(base, self, next, page, clock.instant()));
      })).onFailure(e -> FhirRoutes.fail(ctx, e));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /**
   * _since is a FHIR instant; a plain date (midnight UTC) is accepted too. A space is a zone's '+' that the
   * client did not percent-encode (form decoding made it one; no instant holds a space).
   */
  private static Instant since(String raw) {
    String text = raw.replace(' ', '+');
    try {
      Instant since = text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC)
          : OffsetDateTime.parse(text).toInstant();
      if (since.isBefore(EARLIEST) || since.isAfter(LATEST)) {
        throw new DateTimeParseException("out of range", text, 0);
      }
      return since;
    } catch (DateTimeParseException e) {
      throw FhirException.of(400, "value", "_since must be an instant such as 2024-01-31T12:00:00Z", "_since");
    }
  }

  private static HistoryCursor cursor(String text) {
    try {
      return HistoryCursor.decode(text);
    } catch (IllegalArgumentException e) {
      throw FhirException.of(400, "value", "_cursor is not a page token from this server; start from the first page");
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
