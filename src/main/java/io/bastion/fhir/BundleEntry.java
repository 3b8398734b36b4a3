package io.bastion.fhir;

import io.bastion.fhir.store.NoneMatch;
import io.bastion.fhir.validation.ResourceTypes;
import io.bastion.fhir.validation.ResourceValidator;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of a batch or transaction Bundle, parsed and checked before anything runs: its interaction
 * (request.method and request.url), its resource, and its conditions (ifMatch, ifNoneMatch, ifNoneExist).
 * {@link BundleProcessor} runs it; a conditional PUT or DELETE becomes a plain one once its search has matched
 * ({@link #withId}), and a transaction rewrites its urn:uuid references ({@link #withResource}).
 */
record BundleEntry(int index, String method, String type, String id, String vid, List<Map.Entry<String, String>> query,
    boolean conditional, JsonObject resource, Integer ifMatch, NoneMatch ifNoneMatch, String ifNoneExist,
    String fullUrl, Instant ifModifiedSince) {

  String where() {
    return "Bundle.entry[" + index + "]";
  }

  /** FHIR's processing order within a transaction: DELETE, POST, PUT/PATCH, GET. */
  int order() {
    return switch (method) {
      case "DELETE" -> 0;
      case "POST" -> 1;
      case "PUT", "PATCH" -> 2;
      default -> 3;
    };
  }

  /** This entry on one resource: a resolved conditional entry is no longer conditional. */
  BundleEntry withId(String resolvedId, JsonObject withResource) {
    return new BundleEntry(index, method, type, resolvedId, vid, query, false, withResource, ifMatch, ifNoneMatch,
        ifNoneExist, fullUrl, ifModifiedSince);
  }

  BundleEntry withResource(JsonObject rewritten) {
    return new BundleEntry(index, method, type, id, vid, query, conditional, rewritten, ifMatch, ifNoneMatch,
        ifNoneExist, fullUrl, ifModifiedSince);
  }

  /** The entry at this index of the Bundle, checked; a FhirException names it ({@code Bundle.entry[n]}). */
  static BundleEntry parse(int index, Object value, ResourceTypes types, ResourceValidator validator) {
    String where = "Bundle.entry[" + index + "]";
    if (!(value instanceof JsonObject entry)) {
      throw FhirException.of(400, "structure", where + " must be an object", where);
    }
    if (!(entry.getValue("request") instanceof JsonObject request)) {
      throw FhirException.of(400, "required", where + ": request is missing", where + ".request");
    }
    String method = request.getValue("method") instanceof String m ? m : null;
    if (method == null || !List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
      throw FhirException.of(400, "value", where + ": request.method must be GET, HEAD, POST, PUT, PATCH or DELETE",
          where + ".request.method");
    }
    if ("HEAD".equals(method)) {
      method = "GET"; // run as a GET; the response leaves the resource out (FhirRoutes), as HEAD over HTTP does
    }
    if (!(request.getValue("url") instanceof String url) || url.isEmpty()) {
      throw FhirException.of(400, "required", where + ": request.url is missing", where + ".request.url");
    }
    String path = url;
    String queryText = null;
    int q = url.indexOf('?');
    if (q >= 0) {
      path = url.substring(0, q);
      queryText = url.substring(q + 1);
    }
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    String[] parts = path.split("/", -1);
    String type = parts[0];
    if (AuditEventRoutes.TYPE.equals(type)) {
      throw FhirException.of(405, "not-supported", where + ": AuditEvent is read-only here; read and search it at "
          + "/fhir/AuditEvent", where + ".request.url");
    }
    if (!types.isKnown(type)) {
      throw FhirException.of(404, "not-supported", where + ": request.url does not start with an R4 resource type",
          where + ".request.url");
    }
    String id = parts.length > 1 ? parts[1] : null;
    String vid = null;
    boolean shapeOk = switch (parts.length) {
      case 1 -> true;
      case 2 -> true;
      case 4 -> "GET".equals(method) && "_history".equals(parts[2]) && parts[3].matches("[1-9][0-9]{0,8}");
      default -> false;
    };
    if (parts.length == 4) {
      vid = parts[3];
    }
    if (!shapeOk || (id != null && !validator.isValidId(id))) {
      throw FhirException.of(400, "value", where + ": request.url must be Type, Type/id or Type?parameters "
          + "(relative to the base)", where + ".request.url");
    }
    List<Map.Entry<String, String>> query = query(queryText, where, "request.url");
    boolean conditional = queryText != null && id == null;
    switch (method) {
      case "POST" -> {
        if (id != null || queryText != null) {
          throw FhirException.of(400, "not-supported", where + ": a POST entry's url is the resource type only",
              where + ".request.url");
        }
      }
      case "PUT", "PATCH", "DELETE" -> {
        if (id == null && !(conditional && !"PATCH".equals(method))) {
          throw FhirException.of(400, "not-supported", where + ": conditional " + method.toLowerCase()
              + " (Type?parameters) is not supported; name the resource as Type/id", where + ".request.url");
        }
      }
      default -> {
      }
    }
    JsonObject resource = null;
    if ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method)) {
      if (!(entry.getValue("resource") instanceof JsonObject r)) {
        throw FhirException.of(400, "required", where + ": a " + method + " entry needs a resource", where + ".resource");
      }
      resource = r;
    }
    Integer ifMatch = null;
    if (request.getValue("ifMatch") instanceof String tag) {
      ifMatch = FhirHeaders.version(tag);
      if (ifMatch == null) {
        throw FhirException.of(400, "invalid", where + ": request.ifMatch must be a version ETag such as W/\"3\"",
            where + ".request.ifMatch");
      }
    }
    String ifNoneExist = request.getValue("ifNoneExist") instanceof String s ? s : null;
    if (ifNoneExist != null && !"POST".equals(method)) {
      throw FhirException.of(400, "not-supported", where + ": request.ifNoneExist applies to POST entries only",
          where + ".request.ifNoneExist");
    }
    if (ifNoneExist != null) {
      query(ifNoneExist.substring(ifNoneExist.indexOf('?') + 1), where, "request.ifNoneExist");
    }
    NoneMatch ifNoneMatch = ifNoneMatch(request, method, id, vid, where);
    Instant ifModifiedSince = ifModifiedSince(request, method, id, where);
    String fullUrl = entry.getValue("fullUrl") instanceof String f ? f : null;
    return new BundleEntry(index, method, type, id, vid, query, conditional, resource, ifMatch, ifNoneMatch, ifNoneExist,
        fullUrl, ifModifiedSince);
  }

  /** request.ifModifiedSince (an instant): a read's "not modified" check, as If-Modified-Since is over HTTP. */
  private static Instant ifModifiedSince(JsonObject request, String method, String id, String where) {
    Object value = request.getValue("ifModifiedSince");
    if (value == null) {
      return null;
    }
    if (!"GET".equals(method) || id == null) {
      throw FhirException.of(400, "not-supported", where + ": request.ifModifiedSince applies to reads by id only",
          where + ".request.ifModifiedSince");
    }
    try {
      return OffsetDateTime.parse(value instanceof String text ? text : "").toInstant();
    } catch (DateTimeParseException e) {
      throw FhirException.of(400, "invalid", where + ": request.ifModifiedSince must be an instant such as "
          + "2024-01-31T12:00:00Z", where + ".request.ifModifiedSince");
    }
  }

  /**
   * request.ifNoneMatch: a PUT's precondition, or a read's "not modified" check (answered 304, as over HTTP);
   * on any other entry it has no meaning, and refusing beats ignoring a condition the client relies on.
   */
  private static NoneMatch ifNoneMatch(JsonObject request, String method, String id, String vid, String where) {
    Object value = request.getValue("ifNoneMatch");
    if (value == null) {
      return null;
    }
    boolean read = "GET".equals(method) && id != null && vid == null;
    if (!read && !"PUT".equals(method)) {
      throw FhirException.of(400, "not-supported", where + ": request.ifNoneMatch applies to PUT entries and to "
          + "reads by id only", where + ".request.ifNoneMatch");
    }
    try {
      return FhirHeaders.noneMatch(value instanceof String text ? text : "");
    } catch (IllegalArgumentException e) {
      throw FhirException.of(400, "invalid", where + ": request.ifNoneMatch must be * or version ETags such as W/\"3\"",
          where + ".request.ifNoneMatch");
    }
  }

  /** A query string ("a=1&b=2") as decoded parameters, in order. */
  static List<Map.Entry<String, String>> query(String text) {
    List<Map.Entry<String, String>> params = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return params;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.add(new AbstractMap.SimpleImmutableEntry<>(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        throw FhirException.of(400, "invalid", "the query has a malformed %-escape (% must be followed by two hex digits)");
      }
    }
    return params;
  }

  /** {@link #query} for this entry's field: a malformed query names the entry and the field. */
  private static List<Map.Entry<String, String>> query(String text, String where, String field) {
    try {
      return query(text);
    } catch (FhirException e) {
      throw FhirException.of(400, "invalid", where + ": " + field + " has a malformed %-escape", where + "." + field);
    }
  }
}
