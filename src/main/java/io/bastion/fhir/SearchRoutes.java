package io.bastion.fhir;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.auth.AccessDecision;
import io.bastion.fhir.search.PatientCompartment;
import io.bastion.fhir.search.SearchBundle;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.bastion.fhir.search.SearchResult;
import io.bastion.fhir.search.SearchService;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.StoreException;
import io.bastion.fhir.validation.ResourceValidator;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The search interactions: type-level search (GET, and POST _search), the Patient compartment's
 * {@code Patient/{id}/{type}} and {@code $everything}. A patient-context token's compartment and a restricted
 * scope's conditions are added to the client's criteria; what a page shows is audited with its patients.
 */
final class SearchRoutes {

  private final SearchParameters searchParameters;
  private final SearchService service;
  private final ResourceStore store;
  private final PatientCompartment compartment;
  private final AccessConfinement confinement;
  private final ResourceValidator validator;
  private final RequestParameters parameters;
  private final SearchRequest.Limits searchLimits;
  private final Clock clock;

  SearchRoutes(SearchParameters searchParameters, SearchService service, ResourceStore store,
      PatientCompartment compartment, AccessConfinement confinement, ResourceValidator validator,
      RequestParameters parameters, SearchRequest.Limits searchLimits, Clock clock) {
    this.searchParameters = searchParameters;
    this.service = service;
    this.store = store;
    this.compartment = compartment;
    this.confinement = confinement;
    this.validator = validator;
    this.parameters = parameters;
    this.searchLimits = searchLimits;
    this.clock = clock;
  }

  /**
   * Type-level search, GET with the query string or POST _search with a form body (read by the BodyHandler;
   * its parameters follow the query's own).
   */
  void search(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      List<Map.Entry<String, String>> params = new ArrayList<>(ctx.queryParams().entries());
      if (ctx.request().method() == HttpMethod.POST) {
        params.addAll(ctx.request().formAttributes().entries());
      }
      search(ctx, type, params);
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /**
   * Patient/{id}/$everything, paged by res_pk (_count, _cursor): the Patient and every resource of its
   * compartment, each shown only when its own type's read decision allows it (and confines it).
   */
  void everything(RoutingContext ctx) {
    try {
      String id = parameters.id(ctx);
      String patient = confinement.patientOf(ctx);
      int count = Math.max(1, parameters.count(ctx.request().getParam("_count")));
      String cursorText = ctx.request().getParam("_cursor");
      if (cursorText != null && !cursorText.matches("[0-9]{1,18}")) {
        throw FhirException.of(400, "value", "_cursor is not a page token from this server; start from the first page");
      }
      long after = cursorText == null ? 0 : Long.parseLong(cursorText);
      if (patient != null && !patient.equals(id)) {
        throw new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found");
      }
      Map<String, AccessDecision> decisions = new HashMap<>();
      String base = FhirHeaders.base(ctx);
      store.read("Patient", id)
          .compose(found -> service.everything(id, compartment.links(), after, count))
          .map(result -> new SearchResult(result.matches().stream()
              .filter(e -> compartment.contains(e.type(), e.json(), id) && confinement.mayInclude(ctx, decisions, e.type(), e.json()))
              .toList(), List.of(), result.nextCursor(), null))
          .onSuccess(result -> FhirAudit.respond(ctx, FhirAudit.pageEntities(Entity.resource("Patient/" + id),
              result.matches().stream().map(e -> new String[] {e.type(), e.id(), e.json()}).toList()), () -> {
            String self = base + "/Patient/" + id + "/$everything?_count=" + count
                + (cursorText == null ? "" : "&_cursor=" + cursorText);
            JsonArray links = new JsonArray().add(new JsonObject().put("relation", "self").put("url", self));
            if (result.nextCursor() != null) {
              links.add(new JsonObject().put("relation", "next").put("url", base + "/Patient/" + id
                  + "/$everything?_count=" + count + "&_cursor=" + result.nextCursor()));
            }
            JsonArray entries = new JsonArray();
            for (SearchResult.Entry e : result.matches()) {
              entries.add(new JsonObject().put("fullUrl", base + "/" + e.type() + "/" + e.id())
                  .put("resource", new JsonObject(e.json())).put("search", new JsonObject().put("mode", "match")));
            }
            FhirFormats.end(ctx, new JsonObject()
                .put("resourceType", "Bundle").put("type", "searchset")
                .put("meta", new JsonObject().put("lastUpdated", clock.instant().toString()))
                .put("link", links).put("entry", entries).encode());
          }))
          .onFailure(e -> FhirRoutes.fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /** Patient/{pid}/{type}: the type's search with the compartment condition of patient pid added. */
  void compartmentSearch(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String pid = ctx.pathParam("pid");
      if (!validator.isValidId(pid)) {
        throw FhirException.of(400, "value", "the patient id in the path is not a FHIR id");
      }
      List<Map.Entry<String, String>> params = new ArrayList<>(ctx.queryParams().entries());
      params.add(confinement.compartmentCondition(type, pid));
      search(ctx, type, params);
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  private void search(RoutingContext ctx, String type, List<Map.Entry<String, String>> params) {
    try {
      SearchRequest request = SearchRequest.parse(searchParameters, type, params, FhirHeaders.strictHandling(ctx),
          searchLimits, clock.instant());
      String patient = confinement.patientOf(ctx);
      List<Map.Entry<String, String>> restriction = confinement.restriction(ctx, type, searchLimits);
      SearchRequest confined = request;
      if (patient != null || !restriction.isEmpty()) {
        // the token's compartment and scope restriction are added AND conditions; links keep the client's query
        List<Map.Entry<String, String>> withCompartment = new ArrayList<>(params);
        if (patient != null) {
          withCompartment.add(confinement.compartmentCondition(type, patient));
          String escaping = compartment.escapingParameter(type, patient, params.stream().map(Map.Entry::getKey).toList());
          if (escaping != null) {
            throw FhirException.of(403, "forbidden", escaping + " would reach beyond the patient's compartment; "
                + "_has and chains (except through the compartment's own parameter) are refused for this token");
          }
        }
        withCompartment.addAll(restriction);
        SearchRequest parsed = SearchRequest.parse(searchParameters, type, withCompartment,
            FhirHeaders.strictHandling(ctx), searchLimits.allowing(withCompartment.size() - params.size()),
            clock.instant());
        confined = new SearchRequest(parsed.type(), parsed.criteria(), parsed.sort(), parsed.count(), parsed.total(),
            parsed.summary(), parsed.elements(), parsed.includes(), parsed.revincludes(), parsed.cursor(),
            request.ignored(), request.linkQuery());
      }
      String current = ctx.request().getParam("_cursor");
      service.search(confined).map(result -> confinement.visible(ctx, result, patient)).onSuccess(result -> FhirAudit.respond(ctx, FhirAudit.pageEntities(
          Entity.query(FhirAudit.query(type, params)),
          Stream.concat(result.matches().stream(), result.included().stream())
              .map(e -> new String[] {e.type(), e.id(), e.json()}).toList()), () -> FhirFormats.end(ctx,
          SearchBundle.render(FhirHeaders.base(ctx), request, result, current, clock.instant()))))
          .onFailure(e -> FhirRoutes.fail(ctx, e));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }
}
