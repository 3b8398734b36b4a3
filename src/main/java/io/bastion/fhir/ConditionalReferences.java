package io.bastion.fhir;

import io.bastion.auth.Interaction;
import io.bastion.fhir.BundleProcessor.Authorizer;
import io.bastion.fhir.search.SearchService;
import io.bastion.fhir.validation.ResourceTypes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conditional references in a transaction (R4 http.html, "Transaction Processing Rules"): a
 * {@code Reference.reference} of the form {@code Type?params} names its target by a search, as interface engines and
 * Synthea's bundles name practitioners, organisations and locations by identifier. Before anything is written, each
 * distinct one is searched on the transaction's connection with the conditional interactions' search: exactly one
 * match becomes {@code Type/id}; none or several fail the transaction (412) naming the entry. Outside transactions
 * such a reference stays invalid (the validator's 422): only a transaction can resolve it atomically with its writes.
 */
final class ConditionalReferences {

  private static final Pattern FORM = Pattern.compile("([A-Z][A-Za-z]{1,63})\\?(.+)");

  private final ResourceTypes types;
  private final ConditionalSearch conditional;

  ConditionalReferences(ResourceTypes types, ConditionalSearch conditional) {
    this.types = types;
    this.conditional = conditional;
  }

  /**
   * The entries with every conditional reference replaced by its match. The caller's scopes must allow searching
   * each referenced type (a 403 otherwise): the answer tells whether a resource with those values exists.
   */
  Future<List<BundleEntry>> resolve(List<BundleEntry> entries, SearchService searcher, Authorizer authorizer) {
    try {
      Map<String, BundleEntry> found = new LinkedHashMap<>(); // each reference with the first entry holding it
      for (BundleEntry entry : entries) {
        if (entry.resource() != null) {
          collect(entry.resource(), entry, found);
        }
      }
      if (found.isEmpty()) {
        return Future.succeededFuture(entries);
      }
      Map<String, String> resolved = new HashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, BundleEntry> reference : found.entrySet()) {
        String text = reference.getKey();
        BundleEntry entry = reference.getValue();
        String type = targetType(text, entry, authorizer);
        String what = entry.where() + ": the conditional reference " + text;
        chain = chain.compose(v -> conditional.findOne(searcher, type, ConditionalSearch.criteria(text), what,
            entry.where() + ".resource").map(match -> {
              if (match == null) {
                throw FhirException.of(412, "not-found", what + " matches no resource", entry.where() + ".resource");
              }
              resolved.put(text, type + "/" + match.id());
              return null;
            }));
      }
      return chain.map(v -> entries.stream()
          .map(entry -> entry.resource() == null ? entry : entry.withResource((JsonObject) rewrite(entry.resource(), resolved)))
          .toList());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private String targetType(String reference, BundleEntry entry, Authorizer authorizer) {
    Matcher form = FORM.matcher(reference);
    form.matches(); // collected only when it does
    String type = form.group(1);
    if (!types.isKnown(type)) {
      throw FhirException.of(400, "value", entry.where() + ": the conditional reference names a type that is not an "
          + "R4 resource type", entry.where() + ".resource");
    }
    String refusal = authorizer == null ? null : authorizer.refusal(Interaction.SEARCH, type);
    if (refusal != null) {
      throw FhirException.of(403, "forbidden", entry.where() + ": a conditional reference searches " + type + ": "
          + refusal, entry.where() + ".resource");
    }
    return type;
  }

  private static void collect(Object value, BundleEntry entry, Map<String, BundleEntry> found) {
    if (value instanceof JsonObject object) {
      object.forEach(member -> {
        if (member.getKey().equals("reference") && member.getValue() instanceof String text
            && FORM.matcher(text).matches()) {
          found.putIfAbsent(text, entry);
        } else {
          collect(member.getValue(), entry, found);
        }
      });
    } else if (value instanceof JsonArray array) {
      array.forEach(item -> collect(item, entry, found));
    }
  }

  /** The value with each resolved reference's {@code reference} replaced; everything else as it was. */
  private static Object rewrite(Object value, Map<String, String> resolved) {
    if (value instanceof JsonObject object) {
      JsonObject out = new JsonObject(new LinkedHashMap<>());
      object.forEach(member -> out.put(member.getKey(), member.getKey().equals("reference")
          && member.getValue() instanceof String text && resolved.containsKey(text)
          ? resolved.get(text) : rewrite(member.getValue(), resolved)));
      return out;
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(rewrite(item, resolved)));
      return out;
    }
    return value;
  }
}
