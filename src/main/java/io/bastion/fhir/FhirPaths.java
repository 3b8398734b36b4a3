package io.bastion.fhir;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.auth.Interaction;
import io.bastion.fhir.validation.FhirIds;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a /fhir path names, read from the path alone: for requests refused before their route ran (content
 * negotiation's 406 and 415), whose audit record still needs the interaction and the resource. It mirrors
 * the routes of {@link FhirRoutes#mount}; a path none of them serves names nothing.
 */
final class FhirPaths {

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

  /** An interaction, at system level (no resource type in the path) or not. */
  record Target(Interaction interaction, boolean systemLevel) {
  }

  private FhirPaths() {
  }

  /** The interaction a method and path ask for, or null (/metadata, or a path no route serves). */
  static Target classify(HttpMethod method, String path) {
    String[] s = segments(path);
    if (s == null) {
      return null;
    }
    for (String segment : s) {
      if (segment.startsWith("$export")) {
        return new Target(Interaction.EXPORT, !TYPE.matcher(s[0]).matches());
      }
    }
    if (s.length == 0) {
      return method == HttpMethod.GET ? new Target(Interaction.SEARCH, true)
          : method == HttpMethod.POST ? new Target(Interaction.TRANSACTION, true) : null;
    }
    if (s[0].equals("_history")) {
      return s.length == 1 && method == HttpMethod.GET ? new Target(Interaction.HISTORY, true) : null;
    }
    if (!TYPE.matcher(s[0]).matches()) {
      return null; // metadata, and anything else no route serves
    }
    Interaction interaction = switch (s.length) {
      case 1 -> method == HttpMethod.GET ? Interaction.SEARCH : method == HttpMethod.POST ? Interaction.CREATE
          : method == HttpMethod.PUT ? Interaction.UPDATE : method == HttpMethod.DELETE ? Interaction.DELETE : null;
      case 2 -> s[1].equals("_search") ? (method == HttpMethod.POST ? Interaction.SEARCH : null)
          : s[1].equals("_history") ? (method == HttpMethod.GET ? Interaction.HISTORY : null)
          : method == HttpMethod.GET ? Interaction.READ : method == HttpMethod.PUT ? Interaction.UPDATE
          : method == HttpMethod.PATCH ? Interaction.PATCH : method == HttpMethod.DELETE ? Interaction.DELETE : null;
      case 3 -> method != HttpMethod.GET ? null : s[2].equals("_history") ? Interaction.HISTORY_INSTANCE
          : s[2].equals("$everything") ? Interaction.EVERYTHING
          : s[0].equals("Patient") && TYPE.matcher(s[2]).matches() ? Interaction.SEARCH : null;
      case 4 -> method == HttpMethod.GET && s[2].equals("_history") ? Interaction.VREAD : null;
      default -> null;
    };
    return interaction == null ? null : new Target(interaction, false);
  }

  /**
   * The resource a path names ({@code Type} or {@code Type/id}, also under it), and the patient when the type
   * is Patient. Never read from the query string or a body, never looked up in the database.
   */
  static List<Entity> targets(String path) {
    String[] s = segments(path);
    if (s == null || s.length == 0 || !TYPE.matcher(s[0]).matches()) {
      return List.of();
    }
    if (s.length == 1 || !FhirIds.isValid(s[1])) {
      return List.of(Entity.resource(s[0]));
    }
    return s[0].equals("Patient") ? List.of(Entity.patient(s[1]), Entity.resource(s[0] + "/" + s[1]))
        : List.of(Entity.resource(s[0] + "/" + s[1]));
  }

  /** The segments after /fhir (none for /fhir itself), or null when the path is not under /fhir. */
  private static String[] segments(String path) {
    if (path == null || !(path.equals("/fhir") || path.startsWith("/fhir/"))) {
      return null;
    }
    String rest = path.length() <= "/fhir/".length() ? "" : path.substring("/fhir/".length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    return rest.isEmpty() ? new String[0] : rest.split("/", -1);
  }
}
