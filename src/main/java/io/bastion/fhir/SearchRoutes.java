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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
   * compartment, each shown only when its own type's read decision allows it (and confines it); {@code _type} keeps
   * the types it names, {@code _since} what was last updated at or after it. The care-date window ({@code start},
   * {@code end}) is refused rather than ignored: a client would take the whole record for the window it asked for.
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
      for (String window : List.of("start", "end")) {
        if (ctx.request().getParam(window) != null) {
          throw FhirException.of(400, "not-supported", "$everything does not support " + window + " (the care-date "
              + "window); use _since, or search Patient/{id}/{type} with the type's date parameters", window);
        }
      }
      String typeText = single(ctx, "_type");
      String sinceText = single(ctx, "_since");
      Set<String> types = typeText == null ? null : everythingTypes(typeText);
      Instant since = sinceText == null ? null : SinceParameter.parse(sinceText, true);
      List<String[]> links = compartment.links().stream().filter(l -> types == null || types.contains(l[0])).toList();
      boolean withPatient = types == null || types.contains("Patient");
      String query = "_count=" + count + (typeText == null ? "" : "&_type=" + String.join(",", types))
          + (since == null ? "" : "&_since=" + since);
      if (patient != null && !patient.equals(id)) {
        throw new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found");
      }
      Map<String, AccessDecision> decisions = new HashMap<>();
      String base = FhirHeaders.base(ctx);
      store.read("Patient", id)
          .compose(found -> service.everything(id, withPatient, links, since, after, count))
          .map(result -> new SearchResult(result.matches().stream()
              .filter(e -> compartment.contains(e.type(), e.json(), id) && confinement.mayInclude(ctx, decisions, e.type(), e.json()))
              .toList(), List.of(), result.nextCursor(), null))
          .onSuccess(result -> FhirAudit.respond(ctx, FhirAudit.pageEntities(Entity.resource("Patient/" + id),
              result.matches().stream().map(e -> new String[] {e.type(), e.id(), e.json()}).toList()), () -> {
            String self = base + "/Patient/" + id + "/$everything?" + query
                + (cursorText == null ? "" : "&_cursor=" + cursorText);
            JsonArray pageLinks = new JsonArray().add(new JsonObject().put("relation", "self").put("url", self));
            if (result.nextCursor() != null) {
              pageLinks.add(new JsonObject().put("relation", "next").put("url", base + "/Patient/" + id
                  + "/$everything?" + query + "&_cursor=" + result.nextCursor()));
            }
            JsonArray entries = new JsonArray();
            for (SearchResult.Entry e : result.matches()) {
              entries.add(new JsonObject().put("fullUrl", base + "/" + e.type() + "/" + e.id())
                  .put("resource", new JsonObject(e.json())).put("search", new JsonObject().put("mode", "match")));
            }
            FhirFormats.end(ctx, new JsonObject()
                .put("resourceType", "Bundle").put("type", "searchset")
                .put("meta", new JsonObject().put("lastUpdated", clock.instant().toString()))
                .put("link", pageLinks).put("entry", entries).encode());
          }))
          .onFailure(e -> FhirRoutes.fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      FhirRoutes.fail(ctx, e);
    }
  }

  /** A parameter given at most once (null when absent): 400 when repeated. */
  private static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParams().getAll(name);
    if (values.size() > 1) {
      throw FhirException.of(400, "invalid", "$everything takes " + name + " once (a comma-separated list for _type)", name);
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** _type of $everything: Patient and the compartment's types, as $export's Patient level takes them. */
  private Set<String> everythingTypes(String text) {
    Set<String> inCompartment = new HashSet<>(List.of("Patient"));
    compartment.links().forEach(l -> inCompartment.add(l[0]));
    Set<String> chosen = new TreeSet<>();
    for (String item : text.split(",")) {
      String type = item.trim();
      if (type.isEmpty()) {
        continue;
      }
      if (!inCompartment.contains(type)) {
        throw FhirException.of(400, "not-supported", "_type names a type that is not in the Patient compartment: "
            + (type.matches("[A-Za-z]{1,64}") ? type : "(not a type name)"), "_type");
      }
      chosen.add(type);
    }
    if (chosen.isEmpty()) {
      throw FhirException.of(400, "invalid", "_type is empty", "_type");
    }
    return chosen;
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
