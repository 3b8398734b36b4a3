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
import java.util.Set;

/**
 * The history interactions (system, type and instance level): pages of versions newest first, walked by a
 * cursor, each page confined to what the token may see and audited with the patients it shows.
 */
final class HistoryRoutes {

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
      Instant since = sinceText == null ? null : SinceParameter.parse(sinceText, true);
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
