package io.bastion.fhir;

import io.bastion.CallerContext;
import io.bastion.auth.Interaction;
import io.bastion.db.ConnectionLoss;
import io.bastion.fhir.search.PatientCompartment;
import io.bastion.fhir.search.SearchBundle;
import io.bastion.fhir.search.SearchResult;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.bastion.fhir.search.SearchService;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.fhir.store.ResourceVersion;
import io.bastion.fhir.store.StoreException;
import io.bastion.fhir.store.Written;
import io.bastion.fhir.validation.ResourceTypes;
import io.bastion.fhir.validation.ResourceValidator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /fhir with a batch or transaction Bundle.
 *
 * <p>A transaction runs in one PostgreSQL transaction ({@link ResourceStore#inTransaction}): entries in the
 * FHIR order (DELETE, POST, PUT/PATCH, GET), ids of created resources reserved up front so that every
 * {@code urn:uuid:} fullUrl is rewritten to its {@code Type/id} anywhere in the resources, and the first
 * entry that fails rolls everything back and answers its status with an OperationOutcome naming the entry
 * ({@code Bundle.entry[n]}). Conditional creates (ifNoneExist) are searched before the transaction starts,
 * against committed data.
 *
 * <p>A batch runs its entries each on its own, a few at once ({@link BatchRun}); a failing entry gets its status
 * and OperationOutcome in the batch-response and the others go on.
 */
final class BundleProcessor {

  /** Checks one entry's interaction on one type against the caller's scopes: null when allowed, else why not. */
  interface Authorizer {
    String refusal(Interaction interaction, String type);

    /** The patient whose compartment confines this (allowed) entry, or null when it is not confined. */
    default String compartment(Interaction interaction, String type) {
      return null;
    }

    /** Whether an _include/_revinclude result of a search entry may be returned. */
    default boolean mayInclude(String type, String json) {
      return true;
    }
  }

  private static final String URN_UUID = "urn:uuid:";
  private static final String SAVEPOINT_CREATES = "SAVEPOINT bundle_creates";
  private static final String ROLLBACK_TO_CREATES = "ROLLBACK TO SAVEPOINT bundle_creates";

  /** What a conditional create found, or the id reserved for a create. */
  private record Plan(String id, ResourceVersion existing) {
  }

  private final ResourceTypes types;
  private final ResourceValidator validator;
  private final ResourceStore store;
  private final SearchParameters searchParameters;
  private final SearchService search;
  private final ConditionalSearch conditional;
  private final FhirLimits limits;
  private final FhirJson json;
  private final Clock clock;
  private final int maxIncludes;
  private final PatientCompartment compartment;
  private final ConditionalReferences references;
  private final ReadSubset readSubset;

  BundleProcessor(ResourceTypes types, ResourceValidator validator, ResourceStore store,
      SearchParameters searchParameters, SearchService search, ConditionalSearch conditional, FhirLimits limits,
      FhirJson json, Clock clock, int maxIncludes) {
    this.types = types;
    this.conditional = conditional;
    this.validator = validator;
    this.store = store;
    this.searchParameters = searchParameters;
    this.search = search;
    this.limits = limits;
    this.json = json;
    this.clock = clock;
    this.maxIncludes = maxIncludes;
    this.compartment = PatientCompartment.r4(searchParameters);
    this.references = new ConditionalReferences(types, conditional);
    this.readSubset = new ReadSubset(searchParameters, searchLimits(), clock);
  }

  /** The response Bundle, or a failed future with a FhirException (the whole request refused). */
  Future<JsonObject> process(JsonObject bundle, String base, Authorizer authorizer) {
    try {
      if (!"Bundle".equals(bundle.getValue("resourceType"))) {
        throw FhirException.of(400, "invalid", "POST /fhir takes a Bundle of type batch or transaction", "resourceType");
      }
      Object type = bundle.getValue("type");
      if (!"batch".equals(type) && !"transaction".equals(type)) {
        throw FhirException.of(400, "not-supported", "the Bundle type must be batch or transaction", "Bundle.type");
      }
      Object entries = bundle.getValue("entry");
      if (entries != null && !(entries instanceof JsonArray)) {
        throw FhirException.of(400, "structure", "Bundle.entry must be an array", "Bundle.entry");
      }
      JsonArray list = entries == null ? new JsonArray() : (JsonArray) entries;
      if (list.size() > limits.maxBundleEntries()) {
        throw FhirException.of(413, "too-costly", "the Bundle has more entries than the limit of "
            + limits.maxBundleEntries() + "; split it", "Bundle.entry");
      }
      return "transaction".equals(type) ? transaction(list, base, authorizer) : batch(list, base, authorizer);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  // ---- transaction ----

  private Future<JsonObject> transaction(JsonArray list, String base, Authorizer authorizer) {
    List<BundleEntry> entries = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      BundleEntry entry = BundleEntry.parse(i, list.getValue(i), types, validator);
      patients.add(authorize(entry, authorizer));
      entries.add(entry);
    }
    // one transaction holding the locks of every conditional entry's criteria, so conditional interactions on
    // the same criteria elsewhere wait for it to commit; its searches run on the transaction's connection
    return store.inCriteriaLocks(criteriaKeys(entries), (tx, connection) -> {
      SearchService searcher = search.on(connection);
      // conditional updates and deletes resolve to their match (or a new id) first, before anything is written
      Future<Void> resolved = Future.succeededFuture();
      for (int i = 0; i < entries.size(); i++) {
        int index = i;
        BundleEntry entry = entries.get(i);
        resolved = resolved.compose(v -> resolveConditional(tx, searcher, entry).<Void>map(r -> {
          entries.set(index, r);
          return null;
        }).recover(e -> Future.failedFuture(named(entry, e))));
      }
      return resolved.compose(v -> references.resolve(entries, searcher, authorizer))
          .compose(withReferences -> planned(tx, connection, searcher, new ArrayList<>(withReferences), patients, base,
              authorizer));
    });
  }

  /** The lock keys of the conditional entries' criteria (ifNoneExist, PUT/DELETE Type?params). */
  private static List<String> criteriaKeys(List<BundleEntry> entries) {
    List<String> keys = new ArrayList<>();
    for (BundleEntry entry : entries) {
      if ("POST".equals(entry.method()) && entry.ifNoneExist() != null) {
        keys.add(ConditionalSearch.key(entry.type(), ConditionalSearch.criteria(entry.ifNoneExist())));
      } else if (entry.conditional() && ("PUT".equals(entry.method()) || "DELETE".equals(entry.method()))) {
        keys.add(ConditionalSearch.key(entry.type(), entry.query()));
      }
    }
    return keys;
  }

  private Future<JsonObject> planned(ResourceStore tx, SqlClient connection, SearchService searcher,
      List<BundleEntry> entries, List<String> patients, String base, Authorizer authorizer) {
    checkDuplicates(entries);
    Plan[] plans = new Plan[entries.size()];
    // conditional creates first, before anything is written, so their urn:uuid resolves to what they find
    Future<Void> planned = Future.succeededFuture();
    for (BundleEntry entry : entries) {
      if ("POST".equals(entry.method()) && entry.ifNoneExist() != null) {
        planned = planned.compose(v -> existing(searcher, entry).<Void>map(found -> {
          plans[entry.index()] = new Plan(found == null ? store.newId() : found.id(), found);
          return null;
        }).recover(e -> Future.failedFuture(named(entry, e))));
      }
    }
    return planned.compose(v -> {
      Map<String, String> urns = new HashMap<>();
      for (BundleEntry entry : entries) {
        if ("POST".equals(entry.method()) && plans[entry.index()] == null) {
          plans[entry.index()] = new Plan(store.newId(), null);
        }
        String target = "POST".equals(entry.method()) ? entry.type() + "/" + plans[entry.index()].id()
            : entry.id() != null ? entry.type() + "/" + entry.id() : null;
        if (entry.fullUrl() != null && entry.fullUrl().startsWith(URN_UUID) && target != null) {
          urns.put(entry.fullUrl(), target);
        }
      }
      List<BundleEntry> rewritten = new ArrayList<>();
      for (BundleEntry entry : entries) {
        rewritten.add(urns.isEmpty() || entry.resource() == null ? entry : entry.withResource(
            (JsonObject) rewrite(entry.resource(), urns)));
      }
      List<BundleEntry> ordered = new ArrayList<>(rewritten);
      ordered.sort((a, b) -> Integer.compare(a.order(), b.order()));
      JsonObject[] responses = new JsonObject[entries.size()];
      ResponseBudget budget = new ResponseBudget();
      // tx is bound to the one transaction: the writes commit together when the chain succeeds
      Future<Void> chain = Future.succeededFuture();
      for (List<BundleEntry> group : pipelined(ordered, plans)) {
        chain = chain.compose(x -> group.size() > 1
            ? createTogether(tx, connection, group, plans, base, responses)
                .recover(failed -> connection.query(ROLLBACK_TO_CREATES).execute()
                    // the run again one create at a time, so that the failure names the entry that caused it
                    .compose(rolledBack -> sendTogether(tx, searcher, group, plans, base, patients, authorizer, budget,
                        responses)))
            : sendTogether(tx, searcher, group, plans, base, patients, authorizer, budget, responses));
      }
      return chain.map(done -> responseBundle("transaction-response", responses));
    });
  }

  /**
   * A run of plain creates as one statement ({@link ResourceStore#createAll}: the resource, history and index
   * rows of all of them, instead of a statement per resource), behind a savepoint sent with it: when it fails,
   * the caller rolls back to the savepoint and runs the creates one by one to find the failing entry.
   */
  private static Future<Void> createTogether(ResourceStore tx, SqlClient connection, List<BundleEntry> creates, Plan[] plans,
      String base, JsonObject[] responses) {
    List<NewResource> resources = new ArrayList<>(creates.size());
    for (BundleEntry entry : creates) {
      resources.add(new NewResource(entry.type(), plans[entry.index()].id(), entry.resource()));
    }
    Future<?> savepoint = connection.query(SAVEPOINT_CREATES).execute();
    return Future.all(savepoint, tx.createAll(resources)).map(done -> {
      List<Written> written = done.resultAt(1);
      for (int i = 0; i < creates.size(); i++) {
        responses[creates.get(i).index()] = written(base, written.get(i));
      }
      return null;
    });
  }

  /**
   * A group's statements sent together (pipelined on the transaction's connection): PostgreSQL runs them in
   * order, and after the first failure the rest fail as "transaction aborted", so the first failure to arrive
   * is the first entry that failed.
   */
  private Future<Void> sendTogether(ResourceStore tx, SearchService searcher, List<BundleEntry> group, Plan[] plans,
      String base, List<String> patients, Authorizer authorizer, ResponseBudget budget, JsonObject[] responses) {
    List<Future<Void>> sent = new ArrayList<>(group.size());
    for (BundleEntry entry : group) {
      sent.add(execute(tx, searcher, entry, plans[entry.index()], base, patients.get(entry.index()), authorizer)
          .map(budget::charge)
          .recover(e -> Future.<JsonObject>failedFuture(named(entry, e)))
          .map(response -> {
            responses[entry.index()] = response;
            return null;
          }));
    }
    return Future.all(sent).mapEmpty();
  }

  /**
   * The entries in execution order, grouped: each run of plain creates (POST without a match found by
   * ifNoneExist) whose resources validate is one group, written by one statement; every other
   * entry is a group of its own, run after the previous group finished. A create that does not validate
   * ends its run, so the entries before it are sent and it fails in its own turn, as one by one.
   */
  private List<List<BundleEntry>> pipelined(List<BundleEntry> ordered, Plan[] plans) {
    List<List<BundleEntry>> groups = new ArrayList<>();
    List<BundleEntry> creates = new ArrayList<>();
    for (BundleEntry entry : ordered) {
      boolean plainCreate = "POST".equals(entry.method()) && plans[entry.index()].existing() == null
          && validForCreate(entry);
      if (plainCreate) {
        creates.add(entry);
        continue;
      }
      if (!creates.isEmpty()) {
        groups.add(creates);
        creates = new ArrayList<>();
      }
      groups.add(List.of(entry));
    }
    if (!creates.isEmpty()) {
      groups.add(creates);
    }
    return groups;
  }

  private boolean validForCreate(BundleEntry entry) {
    try {
      validator.checkForCreate(entry.type(), entry.resource());
      return true;
    } catch (RuntimeException invalid) {
      return false;
    }
  }

  /** A transaction may touch each resource once (FHIR forbids two entries on the same Type/id). */
  private static void checkDuplicates(List<BundleEntry> entries) {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> fullUrls = new HashMap<>();
    for (BundleEntry entry : entries) {
      if (entry.fullUrl() != null && entry.fullUrl().startsWith(URN_UUID)) {
        Integer before = fullUrls.putIfAbsent(entry.fullUrl(), entry.index());
        if (before != null) {
          throw FhirException.of(400, "invariant", entry.where() + ": fullUrl repeats the fullUrl of Bundle.entry["
              + before + "]", entry.where() + ".fullUrl");
        }
      }
      if (entry.id() != null && !"GET".equals(entry.method())) {
        Integer before = seen.putIfAbsent(entry.type() + "/" + entry.id(), entry.index());
        if (before != null) {
          throw FhirException.of(400, "invariant", entry.where() + ": the transaction already changes this resource in "
              + "Bundle.entry[" + before + "]", entry.where() + ".request.url");
        }
      }
    }
  }

  // ---- batch ----

  private Future<JsonObject> batch(JsonArray list, String base, Authorizer authorizer) {
    return new BatchRun(list, base, authorizer).run();
  }

  /**
   * One batch's entries, up to {@link #BATCH_IN_FLIGHT} at a time when they cannot see each other: one at a time,
   * each waited for its own commit (1,000 creates took 3-4.5 s, against about 1 s as one transaction). The
   * answers are those of running the entries one after another in Bundle order: an entry starts beside the ones
   * running only when it is a plain create or a write to a resource none of them writes; a read, a search or a
   * conditional entry (it searches) runs alone, after every entry before it. Every callback runs on the request's
   * event loop. Responses are charged to the {@link ResponseBudget} in entry order whatever order they complete in.
   */
  private final class BatchRun {
    private final JsonArray list;
    private final String base;
    private final Authorizer authorizer;
    private final JsonObject[] responses;
    private final ResponseBudget budget = new ResponseBudget();
    private final Promise<JsonObject> done = Promise.promise();
    /** The resources written by the entries running (Type/id; a create with a server id has none). */
    private final Set<String> writing = new HashSet<>();
    private int started;
    private int inFlight;
    /** An entry running that must run alone (read, search, conditional). */
    private boolean alone;
    private int charged;
    /** Set while {@link #pump} starts entries: an entry that fails at once must not start the next one recursively. */
    private boolean pumping;
    /** The next entry, parsed, while it waits for the ones running. */
    private BundleEntry waiting;

    BatchRun(JsonArray list, String base, Authorizer authorizer) {
      this.list = list;
      this.base = base;
      this.authorizer = authorizer;
      this.responses = new JsonObject[list.size()];
    }

    Future<JsonObject> run() {
      pump();
      return done.future();
    }

    private void pump() {
      if (pumping) {
        return;
      }
      pumping = true;
      while (started < list.size() && inFlight < BATCH_IN_FLIGHT && !alone) {
        BundleEntry entry = waiting;
        if (entry == null) {
          try {
            entry = BundleEntry.parse(started, list.getValue(started), types, validator);
          } catch (RuntimeException e) {
            int index = started++;
            inFlight++;
            answered(index, null, failedResponse(index, e)); // a malformed entry fails on its own
            continue;
          }
        }
        String writes = independentWrite(entry);
        boolean mustRunAlone = writes == null && !isPlainCreate(entry);
        if (inFlight > 0 && (mustRunAlone || writing.contains(writes))) {
          waiting = entry; // after the ones running
          break;
        }
        waiting = null;
        alone = mustRunAlone;
        if (writes != null) {
          writing.add(writes);
        }
        inFlight++;
        start(entry, writes);
        started++;
      }
      pumping = false;
      if (charged == responses.length && !done.future().isComplete()) {
        done.complete(responseBundle("batch-response", responses));
      }
    }

    private static boolean isPlainCreate(BundleEntry entry) {
      return "POST".equals(entry.method()) && entry.ifNoneExist() == null;
    }

    /** The Type/id a non-conditional PUT, PATCH or DELETE writes; null for anything else. */
    private static String independentWrite(BundleEntry entry) {
      boolean write = "PUT".equals(entry.method()) || "PATCH".equals(entry.method()) || "DELETE".equals(entry.method());
      return write && !entry.conditional() && entry.id() != null ? entry.type() + "/" + entry.id() : null;
    }

    private void start(BundleEntry parsed, String writes) {
      int index = parsed.index();
      Future<JsonObject> one;
      try {
        String patient = authorize(parsed, authorizer);
        List<String> keys = criteriaKeys(List.of(parsed));
        // a conditional entry runs in its own transaction holding its criteria's lock (see transaction())
        one = keys.isEmpty() ? batchEntry(store, search, parsed, base, patient, authorizer)
            : store.inCriteriaLocks(keys, (tx, connection) ->
                batchEntry(tx, search.on(connection), parsed, base, patient, authorizer));
      } catch (RuntimeException e) {
        one = Future.failedFuture(e);
      }
      // the fields above belong to the request's loop
      CallerContext.onCallerContext(one).onComplete(result ->
          answered(index, writes, result.succeeded() ? result.result() : failedResponse(index, result.cause())));
    }

    private void answered(int index, String writes, JsonObject response) {
      responses[index] = response;
      inFlight--;
      alone = false; // an entry that runs alone was the only one running
      if (writes != null) {
        writing.remove(writes);
      }
      while (charged < responses.length && responses[charged] != null) {
        try {
          budget.charge(responses[charged]);
        } catch (RuntimeException e) {
          responses[charged] = failedResponse(charged, e);
        }
        charged++;
      }
      pump();
    }
  }

  private Future<JsonObject> batchEntry(ResourceStore on, SearchService searcher, BundleEntry parsed, String base,
      String patient, Authorizer authorizer) {
    return resolveConditional(on, searcher, parsed).compose(entry -> {
      Future<Plan> plan = !"POST".equals(entry.method()) ? Future.succeededFuture(null)
          : entry.ifNoneExist() == null ? Future.succeededFuture(new Plan(on.newId(), null))
          : existing(searcher, entry).map(found -> new Plan(found == null ? on.newId() : found.id(), found));
      return plan.compose(p -> execute(on, searcher, entry, p, base, patient, authorizer));
    });
  }

  private JsonObject failedResponse(int index, Throwable failure) {
    FhirException named = failure instanceof FhirException || failure instanceof StoreException
        ? named(index, failure)
        : ConnectionLoss.ofStatement(failure)
        ? FhirException.of(503, "transient", "Bundle.entry[" + index + "]: the database connection failed on this "
            + "entry; retry it", "Bundle.entry[" + index + "]")
        : FhirException.of(500, "exception", "Bundle.entry[" + index + "]: the server failed on this entry",
            "Bundle.entry[" + index + "]");
    return new JsonObject().put("response", new JsonObject()
        .put("status", status(named.status()))
        .put("outcome", new JsonObject().put("resourceType", "OperationOutcome").put("issue", named.issues())));
  }

  // ---- one entry ----

  /** Refuses the entry (403) or answers the patient whose compartment confines it (null: unconfined). */
  private static String authorize(BundleEntry entry, Authorizer authorizer) {
    if (authorizer == null) {
      return null;
    }
    Interaction interaction = switch (entry.method()) {
      case "POST" -> Interaction.CREATE;
      case "PUT" -> Interaction.UPDATE;
      case "PATCH" -> Interaction.PATCH;
      case "DELETE" -> Interaction.DELETE;
      default -> entry.id() == null ? Interaction.SEARCH : entry.vid() != null ? Interaction.VREAD : Interaction.READ;
    };
    String refusal = authorizer.refusal(interaction, entry.type());
    if (refusal == null && (entry.ifNoneExist() != null || entry.conditional() && !"GET".equals(entry.method()))) {
      refusal = authorizer.refusal(Interaction.SEARCH, entry.type());
    }
    if (refusal != null) {
      throw FhirException.of(403, "forbidden", entry.where() + ": " + refusal, entry.where());
    }
    String patient = authorizer.compartment(interaction, entry.type());
    if (patient != null && !"GET".equals(entry.method())) {
      // the authorizer should have refused it: only read and search entries are confined here
      throw FhirException.of(403, "forbidden", entry.where() + ": write entries cannot be confined to a patient "
          + "compartment", entry.where());
    }
    return patient;
  }

  /** The one resource ifNoneExist matches, null for none; more than one is 412. */
  private Future<ResourceVersion> existing(SearchService searcher, BundleEntry entry) {
    try {
      return searchExisting(searcher, entry);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<ResourceVersion> searchExisting(SearchService searcher, BundleEntry entry) {
    return conditional.findOne(searcher, entry.type(), ConditionalSearch.criteria(entry.ifNoneExist()),
        entry.where() + ": request.ifNoneExist", entry.where() + ".request.ifNoneExist");
  }

  /**
   * A conditional PUT or DELETE entry (Type?params) as the entry on the one resource its search matched: PUT
   * with no match creates under the body's id (when free) or a new server id; DELETE with no match keeps a
   * null id (nothing to delete). Other entries are answered unchanged.
   */
  private Future<BundleEntry> resolveConditional(ResourceStore store, SearchService searcher, BundleEntry entry) {
    if (!entry.conditional() || !("PUT".equals(entry.method()) || "DELETE".equals(entry.method()))) {
      return Future.succeededFuture(entry);
    }
    return conditional.findOne(searcher, entry.type(), entry.query(), entry.where() + ": request.url", entry.where() + ".request.url")
        .compose(match -> {
          if ("DELETE".equals(entry.method())) {
            return Future.succeededFuture(match == null ? entry : entry.withId(match.id(), entry.resource()));
          }
          JsonObject resource = entry.resource().copy();
          String bodyId = resource.getValue("id") instanceof String s ? s : null;
          if (match != null) {
            if (bodyId != null && !bodyId.equals(match.id())) {
              throw FhirException.of(400, "invalid", entry.where() + ": the resource's id is not the id of the "
                  + "resource the search matched", entry.where() + ".resource.id");
            }
            return Future.succeededFuture(entry.withId(match.id(), resource.put("id", match.id())));
          }
          if (entry.ifMatch() != null) {
            throw FhirException.of(412, "conflict", entry.where() + ": request.ifMatch was given but the search "
                + "matched no resource", entry.where() + ".request.ifMatch");
          }
          if (bodyId == null) {
            String id = store.newId();
            return Future.succeededFuture(entry.withId(id, resource.put("id", id)));
          }
          return store.read(entry.type(), bodyId).transform(read -> read.succeeded()
              ? Future.failedFuture(FhirException.of(409, "conflict", entry.where() + ": no resource matched the "
                  + "search, but the resource's id belongs to another resource", entry.where() + ".resource.id"))
              : Future.succeededFuture(entry.withId(bodyId, resource)));
        });
  }

  private SearchRequest.Limits searchLimits() {
    return new SearchRequest.Limits(limits.defaultCount(), limits.maxCount(), maxIncludes);
  }

  /** @param searcher where a search entry runs: in a transaction, its connection, so it sees the entries written before */
  private Future<JsonObject> execute(ResourceStore on, SearchService searcher, BundleEntry entry, Plan plan, String base,
      String patient, Authorizer authorizer) {
    try {
      return switch (entry.method()) {
        case "POST" -> {
          if (plan.existing() != null) {
            yield Future.succeededFuture(versionResponse(base, plan.existing(), 200));
          }
          validator.checkForCreate(entry.type(), entry.resource());
          yield on.create(entry.type(), plan.id(), entry.resource()).map(w -> written(base, w));
        }
        case "PUT" -> {
          validator.checkForUpdate(entry.type(), entry.id(), entry.resource());
          yield on.update(entry.type(), entry.id(), entry.resource(), entry.ifMatch(), entry.ifNoneMatch())
              .map(w -> written(base, w));
        }
        case "PATCH" -> {
          JsonPatch patch = JsonPatch.parse(patchDocument(entry));
          yield on.patch(entry.type(), entry.id(), entry.ifMatch(), current -> {
            JsonObject patched = patch.apply(json.parseObject(current.getBytes(StandardCharsets.UTF_8)));
            validator.checkPatched(entry.type(), entry.id(), patched);
            return patched;
          }).map(w -> written(base, w));
        }
        case "DELETE" -> entry.id() == null
            // a conditional delete that matched nothing
            ? Future.succeededFuture(new JsonObject().put("response", new JsonObject().put("status", status(204))))
            : on.delete(entry.type(), entry.id(), entry.ifMatch()).map(deletion -> new JsonObject()
            .put("response", new JsonObject().put("status", status(204))
                .put("etag", FhirHeaders.etag(deletion.version()))));
        default -> get(on, searcher, entry, base, patient, authorizer);
      };
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonObject> get(ResourceStore on, SearchService searcher, BundleEntry entry, String base, String patient,
      Authorizer authorizer) {
    if (entry.id() == null) {
      SearchRequest request = SearchRequest.parse(searchParameters, entry.type(), entry.query(), false, searchLimits(),
          clock.instant());
      SearchRequest confined = request;
      if (patient != null) {
        Map.Entry<String, String> condition = compartment.searchCondition(entry.type(), patient);
        if (condition == null) {
          throw FhirException.of(403, "forbidden", entry.where() + ": " + entry.type()
              + " is not in the Patient compartment", entry.where());
        }
        String escaping = compartment.escapingParameter(entry.type(), patient,
            entry.query().stream().map(Map.Entry::getKey).toList());
        if (escaping != null) {
          throw FhirException.of(403, "forbidden", entry.where() + ": " + escaping
              + " would reach beyond the patient's compartment", entry.where());
        }
        List<Map.Entry<String, String>> params = new ArrayList<>(entry.query());
        params.add(condition);
        SearchRequest parsed = SearchRequest.parse(searchParameters, entry.type(), params, false,
            searchLimits().allowing(1), clock.instant());
        confined = new SearchRequest(parsed.type(), parsed.criteria(), parsed.sort(), parsed.count(), parsed.total(),
            parsed.summary(), parsed.elements(), parsed.includes(), parsed.revincludes(), parsed.cursor(),
            request.ignored(), request.linkQuery());
      }
      return searcher.search(confined).map(result -> authorizer == null ? result : new SearchResult(
          patient == null ? result.matches()
              : result.matches().stream().filter(e -> compartment.contains(e.type(), e.json(), patient)).toList(),
          result.included().stream().filter(e -> authorizer.mayInclude(e.type(), e.json())).toList(),
          result.nextCursor(), result.total())).map(result -> new JsonObject()
          .put("resource", new JsonObject(SearchBundle.render(base, request, result, null, clock.instant())))
          .put("response", new JsonObject().put("status", status(200))));
    }
    Future<ResourceVersion> read = entry.vid() != null
        ? on.vread(entry.type(), entry.id(), Integer.parseInt(entry.vid())) : on.read(entry.type(), entry.id());
    if (patient != null) {
      read = read.transform(ar -> ar.succeeded() && compartment.contains(entry.type(), ar.result().json(), patient)
          ? Future.succeededFuture(ar.result())
          : ar.failed() && !(ar.cause() instanceof StoreException) ? Future.failedFuture(ar.cause())
          : Future.failedFuture(new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found")));
    }
    SearchRequest subset = readSubset.of(entry.type(), entry.query());
    return read.map(version -> notModified(entry, version)
        ? new JsonObject().put("response", new JsonObject().put("status", status(304))
            .put("etag", FhirHeaders.etag(version.version())))
        : versionResponse(base, subset == null ? version : version.withJson(SearchBundle.subset(version.json(), subset)),
            200));
  }

  /** A read entry's ifNoneMatch names the current version or, without one, ifModifiedSince is not before it. */
  private static boolean notModified(BundleEntry entry, ResourceVersion version) {
    if (entry.ifNoneMatch() != null) {
      return entry.ifNoneMatch().refuses(version.version(), false);
    }
    return entry.ifModifiedSince() != null && !version.lastUpdated().isAfter(entry.ifModifiedSince());
  }

  /** A PATCH entry's body: a Binary holding the JSON Patch document (base64 data), as FHIR transactions carry it. */
  private Object patchDocument(BundleEntry entry) {
    JsonObject binary = entry.resource();
    if (!"Binary".equals(binary.getValue("resourceType")) || !(binary.getValue("data") instanceof String data)) {
      throw FhirException.of(400, "not-supported", entry.where() + ": a PATCH entry's resource must be a Binary whose "
          + "data is a JSON Patch document (contentType application/json-patch+json)", entry.where() + ".resource");
    }
    try {
      return json.parse(Base64.getDecoder().decode(data));
    } catch (IllegalArgumentException e) {
      throw FhirException.of(400, "value", entry.where() + ": Binary.data is not base64", entry.where() + ".resource.data");
    }
  }

  private static JsonObject written(String base, Written written) {
    return versionResponse(base, written.resource(), written.created() ? 201 : 200);
  }

  private static JsonObject versionResponse(String base, ResourceVersion version, int status) {
    String relative = version.type() + "/" + version.id();
    JsonObject response = new JsonObject().put("status", status(status))
        .put("location", relative + "/_history/" + version.version())
        .put("etag", FhirHeaders.etag(version.version()))
        .put("lastModified", version.lastUpdated().toString());
    JsonObject out = new JsonObject().put("fullUrl", base + "/" + relative);
    if (version.json() != null) {
      out.put("resource", new JsonObject(version.json()));
    }
    return out.put("response", response);
  }

  private JsonObject responseBundle(String type, JsonObject[] responses) {
    JsonArray entries = new JsonArray();
    for (JsonObject response : responses) {
      entries.add(response);
    }
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", type)
        .put("meta", new JsonObject().put("lastUpdated", clock.instant().toString()));
    if (!entries.isEmpty()) {
      bundle.put("entry", entries);
    }
    return bundle;
  }

  /**
   * Resources one Bundle's responses may carry in all (search pages count each entry, reads one). Without it a batch
   * of searches makes one request hold gigabytes: 300 searches of 1,000 Observations gave a 295 MB response, 6 GB of
   * heap and an event loop blocked for 8 s. An entry past it fails with 400 too-costly (in a transaction, all do).
   */
  static final int MAX_RESPONSE_RESOURCES = 10_000;

  /** A batch's entries running at once: each holds a pooled connection while it runs. */
  static final int BATCH_IN_FLIGHT = 4;

  /** What is left of {@link #MAX_RESPONSE_RESOURCES} for one Bundle; entries answer on one event loop, one at a time. */
  private static final class ResponseBudget {
    private int left = MAX_RESPONSE_RESOURCES;

    JsonObject charge(JsonObject response) {
      Object resource = response.getValue("resource");
      int resources = 0;
      if (resource instanceof JsonObject carried) {
        boolean page = "Bundle".equals(carried.getValue("resourceType"));
        resources = !page ? 1 : carried.getJsonArray("entry") == null ? 0 : carried.getJsonArray("entry").size();
      }
      if (resources > left) {
        throw FhirException.of(400, "too-costly", "the Bundle's responses would carry more than "
            + MAX_RESPONSE_RESOURCES + " resources; ask for smaller pages (_count) or split the Bundle");
      }
      left -= resources;
      return response;
    }
  }

  // ---- helpers ----

  /** A copy of the JSON with every string that is one of the urn:uuid fullUrls replaced by its Type/id. */
  private static Object rewrite(Object value, Map<String, String> urns) {
    if (value instanceof JsonObject object) {
      JsonObject out = new JsonObject(new java.util.LinkedHashMap<>());
      object.forEach(e -> out.put(e.getKey(), rewrite(e.getValue(), urns)));
      return out;
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(rewrite(v, urns)));
      return out;
    }
    if (value instanceof String text && text.startsWith(URN_UUID)) {
      return urns.getOrDefault(text, text);
    }
    return value;
  }

  private static String status(int code) {
    return HttpResponseStatus.valueOf(code).toString();
  }

  private static FhirException named(BundleEntry entry, Throwable failure) {
    return named(entry.index(), failure);
  }

  /** The failure as a FhirException whose issues name the entry (diagnostics and expression). */
  static FhirException named(int index, Throwable failure) {
    String where = "Bundle.entry[" + index + "]";
    int status;
    JsonArray issues;
    if (failure instanceof FhirException fhir) {
      status = fhir.status();
      issues = fhir.issues();
    } else if (failure instanceof StoreException refused) {
      status = switch (refused.reason()) {
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
      issues = new JsonArray().add(FhirException.issue("error", code, refused.getMessage(), null));
    } else {
      return failure instanceof RuntimeException r && !(failure instanceof FhirException) ? rethrow(r) : rethrow(
          new IllegalStateException(failure));
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < issues.size(); i++) {
      JsonObject issue = issues.getJsonObject(i).copy();
      String diagnostics = issue.getString("diagnostics", "");
      if (!diagnostics.startsWith("Bundle.entry[")) {
        issue.put("diagnostics", where + ": " + diagnostics);
      }
      JsonArray expressions = issue.getJsonArray("expression");
      JsonArray named = new JsonArray();
      if (expressions == null || expressions.isEmpty()) {
        named.add(where);
      } else {
        for (Object e : expressions) {
          String text = String.valueOf(e);
          named.add(text.startsWith("Bundle.") ? text : where + ".resource" + withinResource(text));
        }
      }
      issue.put("expression", named);
      out.add(issue);
    }
    return new FhirException(status, out);
  }

  /** "Patient.birthDate" → ".birthDate": inside an entry the resource is reached as entry.resource. */
  private static String withinResource(String expression) {
    if (expression.isEmpty() || !Character.isUpperCase(expression.charAt(0))) {
      return "." + expression;
    }
    int dot = expression.indexOf('.');
    return dot < 0 ? "" : expression.substring(dot);
  }

  /** Unexpected failures (database down, bugs) are not the entry's fault: they stay 500s. */
  private static FhirException rethrow(RuntimeException e) {
    throw e;
  }
}
