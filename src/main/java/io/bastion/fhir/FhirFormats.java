package io.bastion.fhir;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Content negotiation for /fhir: picks the response media type from _format (which wins) or Accept, and
 * refuses request bodies in a format the server does not read. JSON only for now: XML arrives with a
 * later slice, and until then asking for it is answered 406 (response) or 415 (request body).
 */
public final class FhirFormats implements Handler<RoutingContext> {

  public static final String FHIR_JSON = "application/fhir+json";
  public static final String JSON = "application/json";
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String FORM = "application/x-www-form-urlencoded";
  private static final String RESPONSE_TYPE = "bastion.fhir.responseType";

  /** The media type chosen for this request's response, with charset. */
  public static String responseType(RoutingContext ctx) {
    String type = ctx.get(RESPONSE_TYPE);
    return (type == null ? FHIR_JSON : type) + "; charset=utf-8";
  }

  @Override
  public void handle(RoutingContext ctx) {
    String chosen;
    String format;
    try {
      format = ctx.request().getParam("_format"); // decodes the whole query string once
    } catch (IllegalArgumentException e) {
      FhirRoutes.fail(ctx, FhirException.of(400, "invalid", "the query string is not valid percent-encoding"));
      return;
    }
    if (format != null) {
      chosen = fromFormat(format.trim().toLowerCase(Locale.ROOT));
      if (chosen == null) {
        FhirRoutes.fail(ctx, FhirException.of(406, "not-supported",
            "_format is not supported; this server speaks JSON (_format=json, application/fhir+json)", "_format"));
        return;
      }
    } else {
      chosen = fromAccept(ctx.request().getHeader("Accept"));
      if (chosen == null) {
        FhirRoutes.fail(ctx, FhirException.of(406, "not-supported",
            "none of the media types in Accept can be served; this server speaks application/fhir+json and application/json"));
        return;
      }
    }
    ctx.put(RESPONSE_TYPE, chosen);
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
      String problem = ctx.request().path().endsWith("/_search")
          ? checkSearchContentType(ctx.request().getHeader("Content-Type"))
          : checkContentType(method, ctx.request().getHeader("Content-Type"), ctx.request().getHeader("Content-Length"));
      if (problem != null) {
        FhirRoutes.fail(ctx, FhirException.of(415, "not-supported", problem));
        return;
      }
    }
    ctx.next();
  }

  static String fromFormat(String format) {
    return switch (format) {
      case "json", FHIR_JSON, "application/json+fhir" -> FHIR_JSON;
      case JSON -> JSON;
      default -> null;
    };
  }

  /** The best JSON type the Accept header allows, or null when it allows none; no header means anything. */
  static String fromAccept(String accept) {
    if (accept == null || accept.isBlank()) {
      return FHIR_JSON;
    }
    String best = null;
    double bestQ = 0;
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      String type = pieces[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < pieces.length; i++) {
        String param = pieces[i].trim();
        if (param.startsWith("q=")) {
          try {
            q = Double.parseDouble(param.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      String served = switch (type) {
        case FHIR_JSON, "application/json+fhir", "*/*", "application/*" -> FHIR_JSON;
        case JSON -> JSON;
        default -> null;
      };
      // at equal q the more specific FHIR type wins over application/json
      if (served != null && q > 0 && (q > bestQ || (q == bestQ && FHIR_JSON.equals(served)))) {
        best = served;
        bestQ = q;
      }
    }
    return best;
  }

  /** POST _search carries its parameters as a form (or nothing). */
  static String checkSearchContentType(String contentType) {
    if (contentType == null || contentType.isBlank()
        || contentType.split(";")[0].trim().toLowerCase(Locale.ROOT).equals(FORM)) {
      return null;
    }
    return "POST _search takes its parameters as " + FORM;
  }

  /** Null when the body's declared type is readable here, else why not. */
  static String checkContentType(HttpMethod method, String contentType, String contentLength) {
    if (contentType == null || contentType.isBlank()) {
      return "0".equals(contentLength) || contentLength == null
          ? null // no body at all: the handler answers 400 for the missing resource
          : "the request has a body but no Content-Type; use " + (method == HttpMethod.PATCH ? JSON_PATCH : FHIR_JSON);
    }
    String[] pieces = contentType.split(";");
    String type = pieces[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < pieces.length; i++) {
      String param = pieces[i].trim().toLowerCase(Locale.ROOT);
      if (param.startsWith("charset=") && !param.substring(8).replace("\"", "").equals("utf-8")) {
        return "only the UTF-8 charset is accepted";
      }
    }
    if (method == HttpMethod.PATCH) {
      return type.equals(JSON_PATCH) ? null
          : "PATCH accepts JSON Patch (" + JSON_PATCH + ") only; FHIRPath Patch is not supported yet";
    }
    return type.equals(FHIR_JSON) || type.equals(JSON) || type.equals("application/json+fhir") ? null
        : "the request Content-Type is not supported; this server reads application/fhir+json and application/json";
  }
}
