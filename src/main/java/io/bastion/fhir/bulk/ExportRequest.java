package io.bastion.fhir.bulk;

import io.bastion.fhir.FhirException;
import io.bastion.fhir.SinceParameter;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A validated $export kick-off: the level, the types to export (in the order they are written) and
 * {@code _since}. Parsing refuses what the server would otherwise silently ignore.
 *
 * @param types every type to export: {@code _type}, or all the level's types when it is absent
 */
public record ExportRequest(Level level, List<String> types, Instant since) {

  /** The NDJSON media types Bulk Data clients may ask for (the spec lists these three spellings). */
  static final Set<String> OUTPUT_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
  private static final Set<String> PARAMETERS = Set.of("_type", "_since", "_outputFormat", "_format");

  /** System level: every type; Patient level: the resources in any patient's compartment. */
  public enum Level {
    SYSTEM, PATIENT;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param exportable the level's types in export order (every stored type, or Patient plus the compartment's)
   * @param prefer     the Prefer header (must ask for respond-async)
   */
  static ExportRequest parse(Level level, MultiMap query, String prefer, List<String> exportable) {
    if (prefer == null || !preferAsync(prefer)) {
      throw FhirException.of(400, "invalid", "$export runs asynchronously: send the header Prefer: respond-async");
    }
    for (String name : query.names()) {
      if (!PARAMETERS.contains(name)) {
        throw FhirException.of(400, "not-supported", "$export does not support the parameter " + safe(name)
            + "; supported are _type, _since and _outputFormat", name);
      }
      if (query.getAll(name).size() > 1) {
        throw FhirException.of(400, "invalid", "$export takes " + name + " once", name);
      }
    }
    String format = query.get("_outputFormat");
    if (format != null && !OUTPUT_FORMATS.contains(plus(format).trim().toLowerCase(Locale.ROOT))) {
      throw FhirException.of(400, "not-supported", "_outputFormat must be application/fhir+ndjson "
          + "(or application/ndjson, ndjson)", "_outputFormat");
    }
    return new ExportRequest(level, types(query.get("_type"), exportable, level), query.get("_since") == null ? null : SinceParameter.parse(query.get("_since"), false));
  }

  /** Types parsed from the request alone (for the scope check before the handler; null when invalid). */
  static List<String> typesOrNull(MultiMap query, List<String> exportable, Level level) {
    try {
      return types(query.get("_type"), exportable, level);
    } catch (FhirException e) {
      return null;
    }
  }

  private static List<String> types(String text, List<String> exportable, Level level) {
    if (text == null) {
      return exportable;
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String item : text.split(",")) {
      String type = item.trim();
      if (type.isEmpty()) {
        continue;
      }
      if (!exportable.contains(type)) {
        throw FhirException.of(400, "not-supported", level == Level.PATIENT
            ? "_type names a type that is not in the Patient compartment: " + safe(type)
            : "_type names a type that cannot be exported: " + safe(type), "_type");
      }
      chosen.add(type);
    }
    if (chosen.isEmpty()) {
      throw FhirException.of(400, "invalid", "_type is empty", "_type");
    }
    return List.copyOf(new ArrayList<>(chosen));
  }

  /**
   * Clients often send {@code application/fhir+ndjson} unencoded, and query decoding turns the '+' into a space;
   * no media type holds a space, so it is read back as '+' (_since does the same in {@link SinceParameter}).
   */
  private static String plus(String text) {
    return text.replace(' ', '+');
  }

  private static boolean preferAsync(String prefer) {
    for (String part : prefer.split(",")) {
      if (part.trim().toLowerCase(Locale.ROOT).equals("respond-async")) {
        return true;
      }
    }
    return false;
  }

  /** Echoed names are the client's text: keep them short and printable in the OperationOutcome. */
  private static String safe(String text) {
    String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }
}
