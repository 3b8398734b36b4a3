package io.bastion.fhir;

import io.bastion.NodeInfo;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.auth.AccessDecision;
import io.bastion.auth.AccessPolicy;
import io.bastion.auth.Interaction;
import io.bastion.auth.SmartScopeHandler;
import io.bastion.db.ConnectionLoss;
import io.bastion.fhir.FhirHeaders.Return;
import io.bastion.fhir.format.FhirXmlConverter;
import io.bastion.fhir.search.PatientCompartment;
import io.bastion.fhir.search.SearchBundle;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.bastion.fhir.search.SearchService;
import io.bastion.fhir.store.NoneMatch;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.ResourceVersion;
import io.bastion.fhir.store.StoreException;
import io.bastion.fhir.store.Written;
import io.bastion.fhir.validation.ResourceTypes;
import io.bastion.fhir.validation.ResourceValidator;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR R4 endpoint at /fhir: the route table, then one method per instance-level interaction that parses,
 * validates, delegates to the {@link ResourceStore} and answers; searches are {@link SearchRoutes}', history
 * {@link HistoryRoutes}'. Every error leaves through {@link #fail}, which renders an OperationOutcome with
 * {@link ErrorRenderer}.
 */
public final class FhirRoutes implements RouteModule {

  private static final Logger LOG = LoggerFactory.getLogger(FhirRoutes.class);

  /** _include and _revinclude per search: each is a statement per page. */
  private static final int MAX_INCLUDES = 10;
  /** Resources in a Bundle response up to which it is encoded on the event loop (~10 ms), beyond on a worker. */
  private static final int BUNDLE_ENCODED_ON_LOOP = 1_000;
  /**
   * {@code /fhir/Type/id}: AuditEvent aside (its routes come later), and no id a route below takes ({@code _history},
   * {@code $export}...); the handler checks the id. The named groups are the routes' path parameters. Single-class
   * steps ({@code \p{Alpha}}, {@code [^/]}): a union class such as {@code [A-Za-z0-9.-]} costs a chain of
   * predicate calls per character, on every read.
   */
  private static final String TYPE_AND_ID = "/fhir/(?!AuditEvent/)(?<type>\\p{Upper}\\p{Alpha}{1,63})/(?<id>(?![_$])[^/]{1,64})";
  /** {@code /fhir/Type}, AuditEvent aside. */
  private static final String TYPE_ONLY = "/fhir/(?!AuditEvent$)(?<type>\\p{Upper}\\p{Alpha}{1,63})";

  private final ResourceTypes types;
  private final ResourceValidator validator;
  private final ResourceStore store;
  private final FhirLimits limits;
  /** SMART scope checks; null when auth.enabled is false. */
  private final AccessPolicy policy;
  private final FhirJson json;
  private final Clock clock;
  private final String capabilityStatement;
  private final SearchParameters searchParameters;
  private final SearchService search;
  private final BundleProcessor bundles;
  private final ConditionalSearch conditional;
  private final PatientCompartment compartment;
  private final AccessConfinement confinement;
  private final RequestParameters parameters;
  private final HistoryRoutes history;
  private final SearchRoutes searches;
  private final ReadSubset readSubset;
  /** JSON <-> XML through HAPI, shared by every gateway instance (its HAPI context is built once). */
  private final FhirXmlConverter xmlConverter;

  public FhirRoutes(NodeInfo node, ResourceTypes types, ResourceStore store, SearchParameters searchParameters,
      SearchService search, FhirLimits limits, Clock clock, AccessPolicy policy) {
    this.policy = policy;
    this.types = types;
    this.searchParameters = searchParameters;
    this.search = search;
    this.compartment = PatientCompartment.r4(searchParameters);
    this.validator = new ResourceValidator(types);
    this.store = store;
    this.limits = limits;
    this.json = new FhirJson(limits);
    this.xmlConverter = new FhirXmlConverter(2 * limits.maxDepth()); // XML adds a level per primitive value
    this.clock = clock;
    SearchRequest.Limits searchLimits = new SearchRequest.Limits(limits.defaultCount(), limits.maxCount(), MAX_INCLUDES);
    this.conditional = new ConditionalSearch(searchParameters, searchLimits, clock);
    this.bundles = new BundleProcessor(types, validator, store, searchParameters, search, conditional, limits, json,
        clock, MAX_INCLUDES);
    this.confinement = new AccessConfinement(policy, validator, compartment, store, searchParameters, clock);
    this.parameters = new RequestParameters(types, validator, limits);
    this.history = new HistoryRoutes(store, confinement, parameters, clock);
    this.searches = new SearchRoutes(searchParameters, search, store, compartment, confinement, validator, parameters,
        searchLimits, clock);
    this.readSubset = new ReadSubset(searchParameters, searchLimits, clock);
    this.capabilityStatement = CapabilityStatementBuilder.build(node, types.names(), searchParameters,
        clock.instant()).encode();
  }

  /** Audits each interaction before it is answered; null: not audited (set by {@link #audited}). */
  private FhirAudit audit;

  /** /fhir/AuditEvent over the audit chain; null: AuditEvent is refused (set by {@link #auditEvents}). */
  private AuditEventRoutes auditEvents;

  /** Serves /fhir/AuditEvent read and search from audit_event in this pool (call before mounting). */
  public FhirRoutes auditEvents(io.vertx.sqlclient.Pool pool) {
    this.auditEvents = new AuditEventRoutes(pool);
    return this;
  }

  /** Bulk Data $export; null: not mounted (set by {@link #exports}). */
  private io.bastion.fhir.bulk.ExportRoutes exports;

  /** Serves $export kick-off, status and downloads through these routes (call before mounting). */
  public FhirRoutes exports(io.bastion.fhir.bulk.ExportRoutes exports) {
    this.exports = exports;
    return this;
  }

  /** Audits every interaction through this (call before mounting). */
  public FhirRoutes audited(FhirAudit audit) {
    this.audit = audit;
    return this;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
    FhirXmlEdge xml = new FhirXmlEdge(xmlConverter, vertx.createSharedWorkerExecutor(FhirXmlEdge.POOL, FhirXmlEdge.POOL_SIZE));
    FhirFormats formats = new FhirFormats(xml, audit);
    // negotiation ahead of the whole gateway pipeline (order -1), so that its errors come in the client's format too
    router.route("/fhir/*").order(-1).handler(formats::negotiate);
    if (exports != null) {
      exports.mountDownloads(router, this::guard); // NDJSON, outside JSON/XML content negotiation
    }
    router.route("/fhir/*").handler(formats);
    // an XML body becomes JSON before any handler reads it
    router.route("/fhir/*").method(HttpMethod.POST).method(HttpMethod.PUT)
        .handler(xml.readXmlBody(body)).handler(xml::convertRequestBody);
    xml.warmUpLater(vertx, capabilityStatement);
    // Most traffic is reads, searches and creates. Vert.x tries each path-parameter route's regex in turn, method
    // or not, so these three come first, before the $export and AuditEvent routes, with paths that would reach
    // the same handlers through the general routes below; any other path falls through to those, which answer
    // as before. The names are those routes' templates, so metrics and access logs label these requests as
    // they did.
    router.getWithRegex(TYPE_AND_ID).setName("/fhir/:type/:id").handler(guard(Interaction.READ)).handler(this::read);
    router.getWithRegex(TYPE_ONLY).setName("/fhir/:type").handler(searchGuard()).handler(searches::search);
    router.postWithRegex(TYPE_ONLY).setName("/fhir/:type").handler(body).handler(guard(Interaction.CREATE)).handler(this::create);
    router.get("/fhir/metadata").handler(this::capabilities);
    if (exports != null) {
      exports.mount(router, this::guard); // before /fhir/:type/:id, which would take $export-status/{job}
    }
    // AuditEvent lives in the audit chain, never in fhir_resource: its routes come before the generic ones
    if (auditEvents != null) {
      auditEvents.mount(router,
          guard(Interaction.READ, policy == null ? null : SmartScopeHandler.requireUnconfined(policy, Interaction.READ, AuditEventRoutes.TYPE)),
          guard(Interaction.SEARCH, policy == null ? null : SmartScopeHandler.requireUnconfined(policy, Interaction.SEARCH, AuditEventRoutes.TYPE)));
    } else {
      router.route("/fhir/AuditEvent").handler(ctx -> fail(ctx, FhirException.of(405, "not-supported", "AuditEvent is not served here")));
      router.route("/fhir/AuditEvent/*").handler(ctx -> fail(ctx, FhirException.of(405, "not-supported", "AuditEvent is not served here")));
    }
    router.get("/fhir/_history").handler(guard(Interaction.HISTORY)).handler(history::system);
    router.get("/fhir/:type/_history").handler(guard(Interaction.HISTORY)).handler(history::type);
    router.get("/fhir/:type/:id/_history").handler(guard(Interaction.HISTORY_INSTANCE)).handler(history::instance);
    router.get("/fhir/:type/:id/_history/:vid").handler(guard(Interaction.VREAD)).handler(this::vread);
    router.get("/fhir/Patient/:id/$everything").handler(guard(Interaction.EVERYTHING,
        policy == null ? null : SmartScopeHandler.require(policy, Interaction.EVERYTHING, "Patient"))).handler(searches::everything);
    // compartment search Patient/{id}/{type}: ':type' is the searched type, so the scope check sees it
    router.get("/fhir/Patient/:pid/:type").handler(searchGuard()).handler(searches::compartmentSearch);
    router.get("/fhir/:type/:id").handler(guard(Interaction.READ)).handler(this::read);
    router.get("/fhir/:type").handler(searchGuard()).handler(searches::search);
    router.post("/fhir").handler(body).handler(guard(Interaction.TRANSACTION)).handler(this::bundle);
    router.post("/fhir/").handler(body).handler(guard(Interaction.TRANSACTION)).handler(this::bundle);
    router.post("/fhir/:type/_search").handler(body).handler(searchGuard()).handler(searches::search);
    router.post("/fhir/:type").handler(body).handler(guard(Interaction.CREATE)).handler(this::create);
    router.put("/fhir/:type/:id").handler(body).handler(guard(Interaction.UPDATE)).handler(this::update);
    router.put("/fhir/:type").handler(body).handler(guard(Interaction.UPDATE)).handler(this::conditionalUpdate);
    router.patch("/fhir/:type/:id").handler(body).handler(guard(Interaction.PATCH)).handler(this::patch);
    router.delete("/fhir/:type/:id").handler(guard(Interaction.DELETE)).handler(this::delete);
    router.delete("/fhir/:type").handler(guard(Interaction.DELETE)).handler(this::conditionalDelete);
  }

  /**
   * The route's SMART scope check when auth.enabled, else nothing. Patient-compartment decisions are let
   * through: every handler here confines what it reads and writes to {@link AccessDecision#patient()}'s
   * compartment (see {@link AccessConfinement#patientOf}). Restricted ({@code ?param=value}) scopes are still refused.
   */
  private Handler<RoutingContext> guard(Interaction interaction) {
    return guard(interaction, policy == null ? null : SmartScopeHandler.requireCompartment(policy, interaction));
  }

  /** Type-level search also enforces a restricted scope's conditions (see {@link AccessConfinement#restriction}). */
  private Handler<RoutingContext> searchGuard() {
    return guard(Interaction.SEARCH, policy == null ? null : SmartScopeHandler.require(policy, Interaction.SEARCH));
  }

  private Handler<RoutingContext> guard(Interaction interaction, Handler<RoutingContext> check) {
    if (audit != null) {
      return audit.guard(interaction, check); // remembers the interaction for the audit record, audits refusals
    }
    return check == null ? RoutingContext::next : check;
  }

  private void capabilities(RoutingContext ctx) {
    FhirFormats.end(ctx, capabilityStatement);
  }

  private void read(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String patient = confinement.patientOf(ctx);
      SearchRequest subset = readSubset.of(ctx, type);
      store.read(type, parameters.id(ctx)).map(version -> confinement.visible(type, version, patient))
          .onSuccess(version -> FhirAudit.respond(ctx, FhirAudit.entities(version), () -> sendRead(ctx, version, subset)))
          .onFailure(e -> fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** A read's or vread's answer: 304 when the client's copy is current (conditional read), else the resource. */
  private void sendRead(RoutingContext ctx, ResourceVersion version, SearchRequest subset) {
    if (FhirHeaders.notModified(ctx, version.version(), version.lastUpdated())) {
      versionHeaders(ctx.response(), version).setStatusCode(304).end();
    } else if (subset == null) {
      sendResource(ctx, 200, version);
    } else {
      versionHeaders(ctx.response(), version).setStatusCode(200);
      FhirFormats.end(ctx, SearchBundle.subset(version.json(), subset));
    }
  }

  private void vread(RoutingContext ctx) {
    try {
      String vid = ctx.pathParam("vid");
      if (!vid.matches("[1-9][0-9]{0,8}")) {
        throw FhirException.of(400, "value", "the version id in the path must be a positive integer");
      }
      String type = parameters.type(ctx);
      String patient = confinement.patientOf(ctx);
      SearchRequest subset = readSubset.of(ctx, type);
      store.vread(type, parameters.id(ctx), Integer.parseInt(vid)).map(version -> confinement.visible(type, version, patient))
          .onSuccess(version -> FhirAudit.respond(ctx, FhirAudit.entities(version), () -> sendRead(ctx, version, subset)))
          .onFailure(e -> fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void create(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String ifNoneExist = ctx.request().getHeader("If-None-Exist");
      refuseIfNoneMatch(ctx);
      JsonObject resource = json.parseObject(body(ctx));
      validator.checkForCreate(type, resource);
      String patient = confinement.patientOf(ctx);
      confinement.requireInCompartment(type, resource, patient);
      if (ifNoneExist == null) {
        store.create(type, resource).onSuccess(written -> sendWritten(ctx, written)).onFailure(e -> fail(ctx, e));
        return;
      }
      AccessConfinement.refuseConditionalForPatientContext(patient, "conditional create (If-None-Exist)");
      List<Map.Entry<String, String>> criteria = ConditionalSearch.criteria(ifNoneExist);
      // search and create under the criteria's lock: a concurrent create with the same criteria waits, then finds this one
      store.inCriteriaLocks(List.of(ConditionalSearch.key(type, criteria)), (tx, connection) ->
          conditional.findOne(search.on(connection), type, criteria, "If-None-Exist", "If-None-Exist")
              .compose(existing -> existing == null
                  ? tx.create(type, resource).map(written -> (Object) written)
                  : Future.<Object>succeededFuture(existing)))
          .onSuccess(outcome -> {
            if (outcome instanceof Written written) {
              sendWritten(ctx, written);
            } else {
              ResourceVersion existing = (ResourceVersion) outcome;
              // nothing written: the one match is answered as a read would answer it
              FhirAudit.respond(ctx, FhirAudit.entities(existing), () -> sendResource(ctx, 200, existing));
            }
          }).onFailure(e -> fail(ctx, e));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void update(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String id = parameters.id(ctx);
      Integer ifMatch = FhirHeaders.ifMatch(ctx);
      NoneMatch ifNoneMatch = FhirHeaders.ifNoneMatch(ctx);
      JsonObject resource = json.parseObject(body(ctx));
      validator.checkForUpdate(type, id, resource);
      String patient = confinement.patientOf(ctx);
      confinement.requireInCompartment(type, resource, patient);
      confinement.currentInCompartment(type, id, patient, true)
          .compose(ok -> store.update(type, id, resource, ifMatch, ifNoneMatch)).onSuccess(written -> sendWritten(ctx, written))
          .onFailure(e -> fail(ctx, e));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** The query of a conditional update or delete: every parameter of the request's query string. */
  private static List<Map.Entry<String, String>> conditionalCriteria(RoutingContext ctx) {
    return new ArrayList<>(ctx.queryParams().entries());
  }

  /**
   * PUT /fhir/{type}?criteria: no match creates (under the body's id when given and free, else a server id),
   * one match updates it (If-Match honoured; a body id must be the match's), more than one is 412.
   */
  private void conditionalUpdate(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      Integer ifMatch = FhirHeaders.ifMatch(ctx);
      NoneMatch ifNoneMatch = FhirHeaders.ifNoneMatch(ctx);
      AccessConfinement.refuseConditionalForPatientContext(confinement.patientOf(ctx), "conditional update");
      List<Map.Entry<String, String>> criteria = conditionalCriteria(ctx);
      JsonObject resource = json.parseObject(body(ctx));
      validator.checkForCreate(type, resource);
      String bodyId = resource.getValue("id") instanceof String s ? s : null;
      store.inCriteriaLocks(List.of(ConditionalSearch.key(type, criteria)), (tx, connection) ->
          conditional.findOne(search.on(connection), type, criteria, "the conditional update's search", null).compose(match -> {
        if (match != null) {
          if (bodyId != null && !bodyId.equals(match.id())) {
            throw FhirException.of(400, "invalid", "the body's id is not the id of the resource the search matched",
                "Resource.id");
          }
          resource.put("id", match.id());
          validator.checkForUpdate(type, match.id(), resource);
          return tx.update(type, match.id(), resource, ifMatch, ifNoneMatch);
        }
        if (ifMatch != null) {
          throw FhirException.of(412, "conflict", "If-Match was given but the search matched no resource");
        }
        if (bodyId == null) {
          return tx.create(type, resource);
        }
        validator.checkForUpdate(type, bodyId, resource);
        // the body's id must be free: a resource under it did not match the criteria, so it is not replaced
        return tx.read(type, bodyId).transform(read -> {
          if (read.succeeded()) {
            return Future.failedFuture(FhirException.of(409, "conflict", "no resource matched the search, "
                + "but the body's id belongs to another resource", "Resource.id"));
          }
          return tx.update(type, bodyId, resource, null, null);
        });
      })).onSuccess(written -> sendWritten(ctx, written)).onFailure(e -> fail(ctx, e));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** What a conditional delete matched and the deletion it wrote. */
  private record ConditionalDeletion(ResourceVersion match, ResourceVersion deletion) {
  }

  /** DELETE /fhir/{type}?criteria (single): no match deletes nothing, one is deleted, more than one is 412. */
  private void conditionalDelete(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      Integer ifMatch = FhirHeaders.ifMatch(ctx);
      refuseIfNoneMatch(ctx);
      AccessConfinement.refuseConditionalForPatientContext(confinement.patientOf(ctx), "conditional delete");
      List<Map.Entry<String, String>> criteria = conditionalCriteria(ctx);
      store.inCriteriaLocks(List.of(ConditionalSearch.key(type, criteria)), (tx, connection) ->
          conditional.findOne(search.on(connection), type, criteria, "the conditional delete's search", null)
              .compose(match -> match == null ? Future.<ConditionalDeletion>succeededFuture(null)
                  : tx.delete(type, match.id(), ifMatch).map(deletion -> new ConditionalDeletion(match, deletion))))
          .onSuccess(deleted -> {
        if (deleted == null) {
          FhirAudit.respond(ctx, List.of(Entity.resource(type)), () -> {
            if (FhirHeaders.preferredReturn(ctx) == Return.OPERATION_OUTCOME) {
              sendOutcome(ctx, 200, "no resource matched the search; nothing was deleted");
            } else {
              ctx.response().setStatusCode(204).end();
            }
          });
          return;
        }
        FhirAudit.respond(ctx, FhirAudit.entities(deleted.match()), () -> {
          HttpServerResponse response = ctx.response().putHeader("ETag", FhirHeaders.etag(deleted.deletion().version()));
          if (FhirHeaders.preferredReturn(ctx) == Return.OPERATION_OUTCOME) {
            sendOutcome(ctx, 200, "the resource is deleted");
          } else {
            response.setStatusCode(204).end();
          }
        });
      }).onFailure(e -> fail(ctx, e));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void patch(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String id = parameters.id(ctx);
      Integer ifMatch = FhirHeaders.ifMatch(ctx);
      refuseIfNoneMatch(ctx);
      Buffer body = body(ctx);
      if (body == null || body.length() == 0) {
        throw FhirException.of(400, "invalid", "the request body is empty; a JSON Patch document is required");
      }
      JsonPatch patch = JsonPatch.parse(json.parse(body.getBytes()));
      String patient = confinement.patientOf(ctx);
      store.patch(type, id, ifMatch, current -> {
        JsonObject before = json.parseObject(current.getBytes(StandardCharsets.UTF_8));
        if (patient != null && !compartment.contains(type, before, patient)) {
          throw new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found");
        }
        JsonObject patched = patch.apply(before);
        validator.checkPatched(type, id, patched);
        confinement.requireInCompartment(type, patched, patient);
        return patched;
      }).onSuccess(written -> sendWritten(ctx, written)).onFailure(e -> fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void delete(RoutingContext ctx) {
    try {
      String type = parameters.type(ctx);
      String id = parameters.id(ctx);
      String patient = confinement.patientOf(ctx);
      Integer ifMatch = FhirHeaders.ifMatch(ctx);
      refuseIfNoneMatch(ctx);
      confinement.currentInCompartment(type, id, patient, false)
          .compose(ok -> store.delete(type, id, ifMatch)).onSuccess(deletion -> FhirAudit.respond(ctx,
          FhirAudit.entities(type, id), () -> {
        HttpServerResponse response = ctx.response().putHeader("ETag", FhirHeaders.etag(deletion.version()));
        if (FhirHeaders.preferredReturn(ctx) == Return.OPERATION_OUTCOME) {
          sendOutcome(ctx, 200, "the resource is deleted");
        } else {
          response.setStatusCode(204).end();
        }
      })).onFailure(e -> fail(ctx, AccessConfinement.hidden(e, patient)));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** POST /fhir: a batch or transaction Bundle (see {@link BundleProcessor}); each entry is authorised on its own. */
  private void bundle(RoutingContext ctx) {
    try {
      JsonObject bundle = json.parseObject(body(ctx));
      if ("batch".equals(bundle.getValue("type"))) {
        FhirAudit.markBatch(ctx);
      }
      Map<String, AccessDecision> decisions = new java.util.concurrent.ConcurrentHashMap<>();
      BundleProcessor.Authorizer authorizer = policy == null ? null : new BundleProcessor.Authorizer() {
        @Override
        public String refusal(Interaction interaction, String type) {
          AccessDecision decision = policy.decide(io.bastion.auth.Principal.of(ctx), interaction, type);
          if (!decision.allowed()) {
            return decision.reason();
          }
          if (!decision.restrictions().isEmpty()) {
            return "Bundles cannot yet be confined to scope restrictions";
          }
          if (decision.compartmentRestricted() && (interaction.writes() || !validator.isValidId(decision.patient()))) {
            return "Bundle write entries cannot yet be confined to a patient compartment; use the REST interaction";
          }
          return null;
        }

        @Override
        public String compartment(Interaction interaction, String type) {
          return policy.decide(io.bastion.auth.Principal.of(ctx), interaction, type).patient();
        }

        @Override
        public boolean mayInclude(String type, String json) {
          return confinement.mayInclude(ctx, decisions, type, json);
        }
      };
      Return preferred = FhirHeaders.preferredReturn(ctx);
      bundles.process(bundle, FhirHeaders.base(ctx), authorizer)
          // a response of many search pages takes long to walk and encode: off the event loop (one hop)
          .compose(response -> carried(response) <= BUNDLE_ENCODED_ON_LOOP
              ? Future.succeededFuture(answer(response, bundle, preferred))
              : ctx.vertx().executeBlocking(() -> answer(response, bundle, preferred), false))
          .onSuccess(answer -> FhirAudit.respond(ctx, FhirAudit.pageEntities(null, answer.resources()),
              () -> FhirFormats.end(ctx, answer.json())))
          .onFailure(e -> fail(ctx, e));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** A Bundle response encoded, with what its audit record needs. */
  private record BundleAnswer(String json, List<String[]> resources) {
  }

  /**
   * The response encoded as the client prefers its write entries (Prefer: return=minimal leaves their resources out,
   * return=OperationOutcome puts an outcome in their place; reads and searches keep theirs) and without the resources
   * of HEAD entries, after the audit's list of what it carried is taken from all of it: a resource left out was still
   * written, or read.
   */
  private static BundleAnswer answer(JsonObject response, JsonObject request, Return preferred) {
    List<String[]> resources = bundleResources(response);
    JsonArray asked = request.getJsonArray("entry", new JsonArray());
    JsonArray answered = response.getJsonArray("entry", new JsonArray());
    for (int i = 0; i < answered.size() && i < asked.size(); i++) {
      JsonObject entry = answered.getJsonObject(i);
      // a batch answers a malformed entry (not an object, no request) with an outcome: nothing to take out
      Object method = asked.getValue(i) instanceof JsonObject e && e.getValue("request") instanceof JsonObject r
          ? r.getValue("method") : null;
      if ("HEAD".equals(method)) {
        entry.remove("resource");
      } else if (preferred != Return.REPRESENTATION && method != null && !"GET".equals(method)
          && entry.remove("resource") != null && preferred == Return.OPERATION_OUTCOME) {
        entry.getJsonObject("response").put("outcome", new JsonObject().put("resourceType", "OperationOutcome")
            .put("issue", new JsonArray().add(FhirException.issue("information", "informational",
                entry.getJsonObject("response").getString("status", "").startsWith("201") ? "the resource is created"
                    : "the entry succeeded: " + entry.getJsonObject("response").getString("status"), null))));
      }
    }
    return new BundleAnswer(response.encode(), resources);
  }

  /** Resources a Bundle response carries: one per entry, a search page's entries for a search entry. */
  private static int carried(JsonObject response) {
    int carried = 0;
    JsonArray entries = response.getJsonArray("entry", new JsonArray());
    for (int i = 0; i < entries.size(); i++) {
      JsonObject resource = entries.getJsonObject(i).getJsonObject("resource");
      JsonArray page = resource == null ? null : resource.getJsonArray("entry");
      carried += page != null ? page.size() : 1;
    }
    return carried;
  }

  /** Type, id and JSON of every resource a Bundle response carries, for the audit record's patient entities. */
  private static List<String[]> bundleResources(JsonObject response) {
    List<String[]> resources = new ArrayList<>();
    JsonArray entries = response.getJsonArray("entry", new JsonArray());
    for (int i = 0; i < entries.size(); i++) {
      JsonObject resource = entries.getJsonObject(i).getJsonObject("resource");
      if (resource != null && "Bundle".equals(resource.getString("resourceType"))) {
        resources.addAll(bundleResources(resource)); // a search entry answers with a searchset
      } else if (resource != null && resource.getString("resourceType") != null && resource.getString("id") != null) {
        resources.add(new String[] {resource.getString("resourceType"), resource.getString("id"), resource.encode()});
      }
    }
    return resources;
  }

  /**
   * If-None-Match is a PUT's precondition (create only, or not over a named version); on a POST, PATCH or
   * DELETE it has no meaning FHIR defines, and refusing beats ignoring a condition the client relies on.
   */
  private static void refuseIfNoneMatch(RoutingContext ctx) {
    if (ctx.request().getHeader("If-None-Match") != null) {
      throw FhirException.of(400, "not-supported", "If-None-Match applies to reads and to PUT only; use If-Match, "
          + "or If-None-Exist for a conditional create");
    }
  }

  private static Buffer body(RoutingContext ctx) {
    return ctx.body() == null ? null : ctx.body().buffer();
  }

  private void sendResource(RoutingContext ctx, int status, ResourceVersion version) {
    versionHeaders(ctx.response(), version).setStatusCode(status);
    FhirFormats.end(ctx, version.json());
  }

  private void sendWritten(RoutingContext ctx, Written written) {
    FhirAudit.respond(ctx, FhirAudit.entities(written.resource()), () -> sendWrittenNow(ctx, written));
  }

  private void sendWrittenNow(RoutingContext ctx, Written written) {
    ResourceVersion version = written.resource();
    HttpServerResponse response = versionHeaders(ctx.response(), version);
    String location = FhirHeaders.base(ctx) + "/" + version.type() + "/" + version.id() + "/_history/" + version.version();
    response.putHeader(written.created() ? "Location" : "Content-Location", location);
    int status = written.created() ? 201 : 200;
    switch (FhirHeaders.preferredReturn(ctx)) {
      case MINIMAL -> response.setStatusCode(status).end();
      case OPERATION_OUTCOME -> sendOutcome(ctx, status, written.created() ? "the resource is created" : "the resource is updated");
      default -> sendResource(ctx, status, version);
    }
  }

  private static HttpServerResponse versionHeaders(HttpServerResponse response, ResourceVersion version) {
    return response.putHeader("ETag", FhirHeaders.etag(version.version()))
        .putHeader("Last-Modified", FhirHeaders.httpDate(version.lastUpdated()));
  }

  private static void sendOutcome(RoutingContext ctx, int status, String message) {
    JsonObject outcome = new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray()
        .add(FhirException.issue("information", "informational", message, null)));
    ctx.response().setStatusCode(status);
    FhirFormats.end(ctx, outcome.encode());
  }

  /** The one exit for errors under /fhir: client errors as OperationOutcomes, the rest as 500. */
  public static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof FhirException fhir) {
      FhirAudit.failed(ctx, fhir.status(), () -> ErrorRenderer.renderOutcome(ctx, fhir.status(), fhir.issues()));
    } else if (failure instanceof StoreException refused) {
      int status = switch (refused.reason()) {
        case NOT_FOUND -> 404;
        case GONE -> 410;
        case VERSION_MISMATCH -> 412;
        case CONFLICT -> 409;
      };
      String code = switch (refused.reason()) {
        case NOT_FOUND -> "not-found";
        case GONE -> "deleted";
        case VERSION_MISMATCH, CONFLICT -> "conflict";
      };
      FhirAudit.failed(ctx, status, () -> ErrorRenderer.renderOutcome(ctx, status,
          new JsonArray().add(FhirException.issue("error", code, refused.getMessage(), null))));
    } else if (ConnectionLoss.ofStatement(failure)) {
      // PostgreSQL dropped the connection under the statement or cannot be reached: the client may retry, and the
      // next statement tries a new connection
      LOG.warn("a FHIR request's database connection failed; answering 503: {}", failure.getMessage());
      FhirAudit.failed(ctx, 503, () -> ErrorRenderer.renderOutcome(ctx, 503, new JsonArray().add(FhirException.issue(
          "error", "transient", "the database connection failed while answering; retry", null))));
    } else {
      FhirAudit.failed(ctx, 500, () -> ctx.fail(failure));
    }
  }
}
