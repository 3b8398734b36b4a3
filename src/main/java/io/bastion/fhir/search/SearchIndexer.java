package io.bastion.fhir.search;

import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.FhirPath.Value;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a resource into its search-index rows: for each search parameter of its type, the values its
 * FHIRPath expression finds, converted by parameter type. The result is one JSON object with an array of
 * row objects per index table ({@code string}, {@code token}, …), which the store's write statement
 * expands with jsonb_to_recordset in the same statement that writes the resource.
 *
 * <p>Conversion by parameter type:
 * string — strings, HumanName and Address parts (normalised and exact);
 * token — code/string/boolean/id/uri values, Coding, CodeableConcept (a row per coding and a text row),
 * Identifier and ContactPoint (system, value; Identifier.type.text as text);
 * date — date/dateTime/instant as a range, Period, Timing events and bounds;
 * reference — literal references (type and id; absolute ones also as url), canonical strings as url;
 * number — decimals and integers; quantity — Quantity (and Age, Duration…) value with system and code
 * (the unit when there is no code); uri — uri/url/canonical strings;
 * composite — the first component as a token, the second by its type.
 */
public final class SearchIndexer {

  private static final int MAX_EXACT = 1000;
  private static final int MAX_TOKEN = 400;
  /** The parts of a HumanName or Address a string parameter indexes. */
  static final List<String> STRING_PARTS = List.of("family", "given", "prefix", "suffix", "text", "line",
      "city", "district", "state", "postalCode", "country");

  private final SearchParameters parameters;
  private final PhiProtection phi;

  public SearchIndexer(SearchParameters parameters) {
    this(parameters, PhiProtection.NONE);
  }

  /** With PHI encryption: blind indexes for identifier and contact-point values, sealed parts left out of string rows, sealed dates shifted. */
  public SearchIndexer(SearchParameters parameters, PhiProtection phi) {
    this.parameters = parameters;
    this.phi = phi;
  }

  /** The index rows of a resource, grouped by table, as JSON (see {@link IndexRows#json}). */
  public JsonObject rows(String type, JsonObject resource) {
    return index(type, resource).json();
  }

  /** The index rows of a resource, grouped by table; _id and _lastUpdated live on the resource row. */
  public IndexRows index(String type, JsonObject resource) {
    IndexRows rows = new IndexRows();
    for (SearchParameter p : parameters.forType(type)) {
      if (p.isColumn()) {
        continue;
      }
      // a parameter sharing other parameters' rows writes only the values they do not hold (StoredRows)
      for (StoredRows.Write write : p.rows().writes()) {
        add(p, FhirPath.evaluate(resource, write.expression()), write.skippedParts(), rows);
      }
    }
    for (PairedIndex pair : PairedIndex.ALL) {
      if (pair.type().equals(type)) {
        pair.addRows(rows);
      }
    }
    return rows;
  }

  private void add(SearchParameter p, List<Value> values, Set<String> skippedParts, IndexRows rows) {
    String name = p.code();
    switch (p.type()) {
      case STRING -> values.forEach(v -> strings(v.value(), phi, skippedParts, s -> rows.add(IndexRows.STRING,
          new String[] {name, Normalizer.normalize(s), cut(s, MAX_EXACT)})));
      case TOKEN -> values.forEach(v -> tokens(v, phi, t -> rows.add(IndexRows.TOKEN,
          new String[] {name, t[0], t[1], t[2]})));
      case DATE -> {
        Duration shift = phi.shiftsDates(p.expression()) ? phi.dateShift() : Duration.ZERO;
        values.forEach(v -> dates(v, d -> {
          DateRange stored = d.shifted(shift);
          rows.add(IndexRows.DATE, new String[] {name, stored.lowText(), stored.highText()});
        }));
      }
      case REFERENCE -> values.forEach(v -> reference(v.value(), r -> rows.add(IndexRows.REFERENCE,
          new String[] {name, r[0], r[1], r[2]})));
      case NUMBER -> values.forEach(v -> number(v.value(), n -> rows.add(IndexRows.NUMBER, new String[] {name, n})));
      case QUANTITY -> values.forEach(v -> quantity(v.value(), q -> rows.add(IndexRows.QUANTITY,
          new String[] {name, q[0], q[1], q[2]})));
      case URI -> values.forEach(v -> {
        if (v.value() instanceof String s) {
          rows.add(IndexRows.URI, new String[] {name, cut(s, MAX_TOKEN)});
        }
      });
      case COMPOSITE -> values.forEach(v -> composite(p, v.value(), phi, rows));
    }
  }

  /** Composite rows: {system, code} of the first component, then the second's columns (see {@link #second}). */
  private static void composite(SearchParameter p, Object context, PhiProtection phi, IndexRows rows) {
    if (p.components().size() != 2) {
      return;
    }
    List<String[]> firsts = new ArrayList<>();
    SearchParameter.Component first = p.components().get(0);
    SearchParameter.Component second = p.components().get(1);
    for (Value v : FhirPath.evaluateRelative(context, first.expression())) {
      if (first.type() == SearchParamType.TOKEN) {
        tokens(v, phi, t -> {
          if (t[1] != null) {
            firsts.add(t);
          }
        });
      } else if (first.type() == SearchParamType.REFERENCE) {
        reference(v.value(), r -> firsts.add(new String[] {r[0], r[1] == null ? r[2] : r[0] + "/" + r[1], null}));
      }
    }
    for (Value v : FhirPath.evaluateRelative(context, second.expression())) {
      List<String[]> seconds = new ArrayList<>();
      switch (second.type()) {
        case TOKEN -> tokens(v, phi, t -> {
          if (t[1] != null) {
            seconds.add(second(t[0], t[1], A, A, A, A));
          }
        });
        case QUANTITY -> quantity(v.value(), q -> seconds.add(second(q[0], q[1], q[2], A, A, A)));
        case DATE -> dates(v, d -> seconds.add(second(A, A, A, d.lowText(), d.highText(), A)));
        case STRING -> strings(v.value(), phi, s -> seconds.add(second(A, A, A, A, A, Normalizer.normalize(s))));
        case REFERENCE -> reference(v.value(), r -> seconds.add(second(A, r[1] == null ? r[2] : r[0] + "/" + r[1],
            A, A, A, A)));
        default -> { }
      }
      for (String[] f : firsts) {
        for (String[] s : seconds) {
          String[] row = new String[] {p.code(), f[0], f[1], s[0], s[1], s[2], s[3], s[4], s[5]};
          rows.add(IndexRows.COMPOSITE, row);
        }
      }
    }
  }

  private static final String A = IndexRows.ABSENT;

  /** The second component's columns of a composite row: vs, vc, vn, vl, vh, vt ({@link IndexRows#ABSENT} where its type has none). */
  private static String[] second(String vs, String vc, String vn, String vl, String vh, String vt) {
    return new String[] {vs, vc, vn, vl, vh, vt};
  }

  interface Sink<T> {
    void accept(T value);
  }

  static void strings(Object value, PhiProtection phi, Sink<String> sink) {
    strings(value, phi, Set.of(), sink);
  }

  /** The strings of a value; of a HumanName or Address, its parts but the skipped ones. */
  static void strings(Object value, PhiProtection phi, Set<String> skippedParts, Sink<String> sink) {
    if (value instanceof String s) {
      if (!s.isBlank()) {
        sink.accept(s);
      }
    } else if (value instanceof JsonObject o) {
      for (String part : STRING_PARTS) {
        if (phi.seals(part) || skippedParts.contains(part)) {
          continue; // an encrypted address line is not searchable by text: its text must not sit in the index
        }
        Object v = o.getValue(part);
        if (v instanceof String s && !s.isBlank()) {
          sink.accept(s);
        } else if (v instanceof JsonArray a) {
          a.forEach(item -> {
            if (item instanceof String s && !s.isBlank()) {
              sink.accept(s);
            }
          });
        }
      }
    }
  }

  /** Token rows as {system, code, normalised text}. */
  static void tokens(Value v, PhiProtection phi, Sink<String[]> sink) {
    Object value = v.value();
    if (value instanceof String || value instanceof Boolean) {
      sink.accept(new String[] {null, cut(value.toString(), MAX_TOKEN), null});
    } else if (value instanceof JsonObject o) {
      if (o.getValue("coding") instanceof JsonArray codings) {
        for (Object c : codings) {
          if (c instanceof JsonObject coding) {
            coding(coding, sink);
          }
        }
        text(o.getValue("text"), sink);
      } else if (o.containsKey("code") || (o.containsKey("system") && !o.containsKey("value"))) {
        coding(o, sink);
      } else if (o.getValue("reference") instanceof String reference) {
        // a Reference where R4 declares a token (DocumentReference relationship's swapped components)
        sink.accept(new String[] {null, cut(reference, MAX_TOKEN), null});
      } else if (o.getValue("value") instanceof String identifier) {
        String text = o.getValue("type") instanceof JsonObject t && t.getValue("text") instanceof String s
            ? Normalizer.normalize(s) : null;
        // Identifier and ContactPoint: with PHI encryption the value is indexed as its blind index only
        sink.accept(new String[] {str(o.getValue("system")),
            phi.blindsTokens() ? phi.blind(identifier) : cut(identifier, MAX_TOKEN), text});
      } else {
        text(o.getValue("text"), sink);
      }
    }
  }

  private static void coding(JsonObject coding, Sink<String[]> sink) {
    String display = coding.getValue("display") instanceof String d ? Normalizer.normalize(d) : null;
    Object code = coding.getValue("code");
    sink.accept(new String[] {str(coding.getValue("system")), code == null ? null : cut(code.toString(), MAX_TOKEN),
        display});
  }

  private static void text(Object text, Sink<String[]> sink) {
    if (text instanceof String s && !s.isBlank()) {
      sink.accept(new String[] {null, null, Normalizer.normalize(s)});
    }
  }

  static void dates(Value v, Sink<DateRange> sink) {
    Object value = v.value();
    if (value instanceof String s) {
      try {
        sink.accept(DateRange.parse(s));
      } catch (IllegalArgumentException e) {
        // not a date (an onsetString, say): nothing to index
      }
    } else if (value instanceof JsonObject o) {
      if (o.containsKey("start") || o.containsKey("end")) {
        period(o, sink);
      } else if (o.containsKey("event") || o.containsKey("repeat")) {
        if (o.getValue("event") instanceof JsonArray events) {
          events.forEach(e -> dates(new Value(e, "dateTime"), sink));
        }
        if (o.getValue("repeat") instanceof JsonObject repeat && repeat.getValue("boundsPeriod") instanceof JsonObject b) {
          period(b, sink);
        }
      }
    }
  }

  private static void period(JsonObject period, Sink<DateRange> sink) {
    try {
      DateRange start = period.getValue("start") instanceof String s ? DateRange.parse(s) : null;
      DateRange end = period.getValue("end") instanceof String e ? DateRange.parse(e) : null;
      if (start != null || end != null) {
        sink.accept(new DateRange(start == null ? null : start.low(), end == null ? null : end.high()));
      }
    } catch (IllegalArgumentException e) {
      // a malformed period is not indexed
    }
  }

  /** Reference rows as {target type, target id, url}. */
  static void reference(Object value, Sink<String[]> sink) {
    if (value instanceof JsonObject o && o.getValue("reference") instanceof String ref) {
      String[] parts = ref.split("/");
      int n = parts.length;
      if (n >= 4 && parts[n - 2].equals("_history")) {
        n -= 2;
      }
      String type = FhirPath.referenceType(ref);
      boolean relative = !ref.contains(":") && n == 2;
      if (type != null && relative) {
        sink.accept(new String[] {type, cut(parts[n - 1], MAX_TOKEN), null});
      } else if (!ref.startsWith("#")) {
        sink.accept(new String[] {type, null, cut(ref, MAX_TOKEN)});
      }
    } else if (value instanceof String canonical) {
      sink.accept(new String[] {null, null, cut(canonical, MAX_TOKEN)});
    }
  }

  static void number(Object value, Sink<String> sink) {
    if (value instanceof Number n) {
      sink.accept(new BigDecimal(n.toString()).toPlainString());
    }
  }

  /** Quantity rows as {system, code or unit, value}. */
  static void quantity(Object value, Sink<String[]> sink) {
    if (value instanceof JsonObject o && o.getValue("value") instanceof Number n) {
      Object code = o.getValue("code") != null ? o.getValue("code") : o.getValue("unit");
      sink.accept(new String[] {str(o.getValue("system")), code == null ? null : cut(code.toString(), MAX_TOKEN),
          new BigDecimal(n.toString()).toPlainString()});
    }
  }

  private static String str(Object value) {
    return value instanceof String s ? cut(s, MAX_TOKEN) : null;
  }

  private static String cut(String value, int max) {
    return value.length() > max ? value.substring(0, max) : value;
  }
}
