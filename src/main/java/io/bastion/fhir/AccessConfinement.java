package io.bastion.fhir;

import io.bastion.auth.AccessDecision;
import io.bastion.auth.AccessPolicy;
import io.bastion.auth.Interaction;
import io.bastion.auth.Principal;
import io.bastion.fhir.search.PatientCompartment;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.bastion.fhir.search.SearchResult;
import io.bastion.fhir.store.HistoryPage;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.ResourceVersion;
import io.bastion.fhir.store.StoreException;
import io.bastion.fhir.validation.ResourceValidator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a token may see and change beyond its route's scope check: a patient-context token confines every read,
 * search, include, history page and write to that patient's compartment (what lies outside answers as if it did
 * not exist), and a restricted scope ({@code ?param=value}) becomes search conditions. The FHIR handlers ask this
 * before and after they reach the store; with {@code auth.enabled} false (no policy) nothing is confined.
 */
final class AccessConfinement {

  /** SMART scope checks; null when auth.enabled is false. */
  private final AccessPolicy policy;
  private final ResourceValidator validator;
  private final PatientCompartment compartment;
  private final ResourceStore store;
  private final SearchParameters searchParameters;
  private final Clock clock;

  AccessConfinement(AccessPolicy policy, ResourceValidator validator, PatientCompartment compartment,
      ResourceStore store, SearchParameters searchParameters, Clock clock) {
    this.policy = policy;
    this.validator = validator;
    this.compartment = compartment;
    this.store = store;
    this.searchParameters = searchParameters;
    this.clock = clock;
  }

  /**
   * Conditional interactions search with criteria the client chose; a patient-context token's compartment is
   * not applied to that search, so they are refused for such tokens (fail closed).
   */
  static void refuseConditionalForPatientContext(String patient, String what) {
    if (patient != null) {
      throw FhirException.of(403, "forbidden", what + " is not available to patient-context tokens; "
          + "use the plain interaction on the resource's id");
    }
  }

  /**
   * A restricted scope's {@code ?param=value} conditions, to add to a search (AND). One restriction only:
   * several restricted grants would OR, which a search cannot add, so they are refused (403); so is a
   * restriction naming a parameter this server cannot search (it would otherwise be ignored).
   */
  List<Map.Entry<String, String>> restriction(RoutingContext ctx, String type, SearchRequest.Limits searchLimits) {
    AccessDecision decision = policy == null ? null : AccessDecision.of(ctx);
    if (decision == null || decision.restrictions().isEmpty()) {
      return List.of();
    }
    if (decision.restrictions().size() > 1) {
      throw FhirException.of(403, "forbidden", "several restricted scopes grant this search; their union cannot be "
          + "enforced yet: use one restricted scope per type");
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    decision.restrictions().get(0).forEach((name, values) -> values.forEach(value -> out.add(Map.entry(name, value))));
    try {
      SearchRequest strict = SearchRequest.parse(searchParameters, type, out, true, searchLimits, clock.instant());
      if (!strict.ignored().isEmpty() || strict.criteria().isEmpty()) {
        throw new IllegalArgumentException("ignored");
      }
    } catch (RuntimeException e) {
      throw FhirException.of(403, "forbidden", "the scope's restriction is not a search this server can enforce");
    }
    return out;
  }

  /** The patient whose compartment confines this request (a patient-context token), or null. */
  String patientOf(RoutingContext ctx) {
    AccessDecision decision = policy == null ? null : AccessDecision.of(ctx);
    if (decision == null || !decision.compartmentRestricted()) {
      return null;
    }
    if (!validator.isValidId(decision.patient())) {
      // the id goes into search conditions: a comma or a slash would widen them
      throw FhirException.of(403, "forbidden", "the token's patient context is not a FHIR id");
    }
    return decision.patient();
  }

  /** The search condition confining a type to a patient's compartment; 403 for a type that cannot be. */
  Map.Entry<String, String> compartmentCondition(String type, String patient) {
    Map.Entry<String, String> condition = compartment.searchCondition(type, patient);
    if (condition == null) {
      throw FhirException.of(403, "forbidden", type + " is not in the Patient compartment (or not searchable by it)");
    }
    return condition;
  }

  /** A read or vread outside the compartment answers as if the resource did not exist. */
  ResourceVersion visible(String type, ResourceVersion version, String patient) {
    if (patient != null && !compartment.contains(type, version.json(), patient)) {
      throw new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found");
    }
    return version;
  }

  /** Gone (a deleted resource) would reveal that it existed; in a compartment it is simply not found. */
  static Throwable hidden(Throwable failure, String patient) {
    if (patient != null && failure instanceof StoreException refused && refused.reason() == StoreException.Reason.GONE) {
      return new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found");
    }
    return failure;
  }

  void requireInCompartment(String type, JsonObject resource, String patient) {
    if (patient != null && !compartment.contains(type, resource, patient)) {
      throw FhirException.of(403, "forbidden", "the resource would not be in the patient's compartment "
          + "(the token's patient context)");
    }
  }

  /** Before an update or delete: the current version, if any, must be in the compartment. */
  Future<Void> currentInCompartment(String type, String id, String patient, boolean absentOk) {
    if (patient == null) {
      return Future.succeededFuture();
    }
    return store.read(type, id).transform(ar -> {
      if (ar.succeeded()) {
        return compartment.contains(type, ar.result().json(), patient) ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new StoreException(StoreException.Reason.NOT_FOUND, "the resource is not found"));
      }
      if (absentOk && ar.cause() instanceof StoreException refused
          && (refused.reason() == StoreException.Reason.NOT_FOUND || refused.reason() == StoreException.Reason.GONE)) {
        return Future.<Void>succeededFuture();
      }
      return Future.<Void>failedFuture(ar.cause());
    });
  }

  /** History entries outside the compartment (and deletions, whose content cannot be checked) are left out. */
  HistoryPage visible(HistoryPage page, String patient) {
    if (patient == null) {
      return page;
    }
    return new HistoryPage(page.entries().stream()
        .filter(v -> compartment.contains(v.type(), v.json(), patient)).toList(), page.next(), null);
  }

  /** Search matches and _include/_revinclude results outside the compartment are left out. */
  SearchResult visible(RoutingContext ctx, SearchResult result, String patient) {
    if (policy == null) {
      return result;
    }
    Map<String, AccessDecision> decisions = new HashMap<>();
    return new SearchResult(patient == null ? result.matches()
        : result.matches().stream().filter(e -> compartment.contains(e.type(), e.json(), patient)).toList(),
        result.included().stream().filter(e -> mayInclude(ctx, decisions, e.type(), e.json())).toList(),
        result.nextCursor(), result.total());
  }

  /**
   * Whether an _include/_revinclude result may be shown: its own type's read decision must allow it, confined
   * to that decision's compartment; a restricted ({@code ?param=value}) grant is not checked here, so refused.
   */
  boolean mayInclude(RoutingContext ctx, Map<String, AccessDecision> decisions, String type, String json) {
    if (policy == null) {
      return true;
    }
    AccessDecision decision = decisions.computeIfAbsent(type,
        t -> policy.decide(Principal.of(ctx), Interaction.READ, t));
    if (!decision.allowed() || !decision.restrictions().isEmpty()) {
      return false;
    }
    return !decision.compartmentRestricted()
        || (validator.isValidId(decision.patient()) && compartment.contains(type, json, decision.patient()));
  }
}
