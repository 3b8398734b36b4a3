package io.bastion.fhir;

import io.bastion.gateway.ErrorRenderer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Content negotiation for /fhir: picks the response media type from _format (which wins) or Accept (with
 * q-values), and refuses request bodies in a format the server does not read (415) or responses it cannot
 * serve (406). JSON and XML: when XML is chosen, the {@link FhirXmlEdge}'s writer goes into the routing
 * context and every /fhir response, errors included, leaves through it as XML.
 */
public final class FhirFormats implements Handler<RoutingContext> {

  public static final String FHIR_JSON = "application/fhir+json";
  public static final String JSON = "application/json";
  public static final String FHIR_XML = "application/fhir+xml";
  public static final String XML = "application/xml";
  public static final String TEXT_XML = "text/xml";
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String FORM = "application/x-www-form-urlencoded";
  /** Served types in the server's order of preference, which breaks ties between equal q-values. */
  static final List<String> SERVED = List.of(FHIR_JSON, FHIR_XML, JSON, XML, TEXT_XML);
  private static final String RESPONSE_TYPE = "bastion.fhir.responseType";
  private static final String NEGOTIATED = "bastion.fhir.negotiated";
  private static final String NONE = "";

  private final FhirXmlEdge xml;
  /** Null when FHIR interactions are not audited. */
  private final FhirAudit audit;

  FhirFormats(FhirXmlEdge xml, FhirAudit audit) {
    this.xml = xml;
    this.audit = audit;
  }

  /** The media type chosen for this request's response, with charset. */
  public static String responseType(RoutingContext ctx) {
    String type = ctx.get(RESPONSE_TYPE);
    return (type == null ? FHIR_JSON : type) + "; charset=utf-8";
  }

  /**
   * Ends a /fhir response (status and headers already set) with a JSON resource: as it is, or converted to
   * XML off the event loop when the client negotiated XML.
   */
  public static void end(RoutingContext ctx, String json) {
    ErrorRenderer.FhirBodyWriter writer = ctx.get(ErrorRenderer.FHIR_BODY_WRITER);
    if (writer == null) {
      ctx.response().putHeader("Content-Type", responseType(ctx)).end(json);
    } else {
      writer.end(ctx, json);
    }
  }

  /**
   * Runs before the gateway pipeline (see FhirRoutes.mount): records the negotiated type and, for XML, the
   * writer, so that errors raised before this module's routes (limits, WAF, authentication) come in the
   * client's format too. Never fails the request: {@link #handle} does that, in its place.
   */
  void negotiate(RoutingContext ctx) {
    try {
      choose(ctx);
    } catch (IllegalArgumentException e) {
      // a query string that is not valid percent-encoding: handle() answers 400
    }
    ctx.next();
  }

  /** Chooses the response type and remembers it (and, for XML, the writer) in the routing context. */
  private void choose(RoutingContext ctx) {
    String format = ctx.request().getParam("_format"); // decodes the whole query string once
    String chosen = format != null ? fromFormat(format) : fromAccept(ctx.request().getHeader("Accept"));
    ctx.put(NEGOTIATED, chosen == null ? NONE : chosen);
    if (chosen != null) {
      ctx.put(RESPONSE_TYPE, chosen);
      if (isXml(chosen)) {
        ctx.put(ErrorRenderer.FHIR_BODY_WRITER, xml.writer(chosen));
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String format;
    try {
      format = ctx.request().getParam("_format");
    } catch (IllegalArgumentException e) {
      refuse(ctx, FhirException.of(400, "invalid", "the query string is not valid percent-encoding"));
      return;
    }
    if (ctx.get(NEGOTIATED) == null) {
      choose(ctx); // negotiate() did not run first (a router without the early route)
    }
    if (NONE.equals(ctx.get(NEGOTIATED))) {
      refuse(ctx, format != null
          ? FhirException.of(406, "not-supported", "_format is not supported; this server speaks JSON "
              + "(_format=json, application/fhir+json) and XML (_format=xml, application/fhir+xml)", "_format")
          : FhirException.of(406, "not-supported", "none of the media types in Accept can be served; this server "
              + "speaks application/fhir+json, application/json, application/fhir+xml, application/xml and text/xml"));
      return;
    }
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
      String problem = ctx.request().path().endsWith("/_search")
          ? checkSearchContentType(ctx.request().getHeader("Content-Type"))
          : checkContentType(method, ctx.request().getHeader("Content-Type"), ctx.request().getHeader("Content-Length"));
      if (problem != null) {
        refuse(ctx, FhirException.of(415, "not-supported", problem));
        return;
      }
    }
    ctx.next();
  }

  /** Answers a refusal raised before the route (and its guard) ran, audited as the interaction the path names. */
  private void refuse(RoutingContext ctx, FhirException refusal) {
    if (audit != null) {
      audit.markBeforeRoute(ctx);
    }
    FhirRoutes.fail(ctx, refusal);
  }

  static boolean isXml(String mediaType) {
    return mediaType.equals(FHIR_XML) || mediaType.equals(XML) || mediaType.equals(TEXT_XML);
  }

  /** The type a _format value asks for, or null. A '+' sent unencoded arrives as a space: read it as '+'. */
  static String fromFormat(String format) {
    String value = format.split(";")[0].trim().toLowerCase(Locale.ROOT).replace(' ', '+');
    return switch (value) {
      case "json", FHIR_JSON, "application/json+fhir" -> FHIR_JSON;
      case JSON -> JSON;
      case "xml", FHIR_XML, "application/xml+fhir" -> FHIR_XML;
      case XML -> XML;
      case TEXT_XML -> TEXT_XML;
      default -> null;
    };
  }

  /**
   * The served type the Accept header rates highest, or null when it rates none above 0; no header means
   * anything. Each served type takes the q of the most specific range that matches it (an exact type, then
   * type/*, then *&#47;*, as RFC 9110 says), so "application/fhir+json;q=0, *&#47;*" excludes FHIR JSON only.
   */
  static String fromAccept(String accept) {
    if (accept == null || accept.isBlank()) {
      return FHIR_JSON;
    }
    double[] q = new double[SERVED.size()];
    int[] specificity = new int[SERVED.size()];
    java.util.Arrays.fill(specificity, -1);
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      String range = canonical(pieces[0].trim().toLowerCase(Locale.ROOT));
      double rangeQ = quality(pieces);
      for (int i = 0; i < SERVED.size(); i++) {
        int matched = specificity(range, SERVED.get(i));
        if (matched > specificity[i] || (matched == specificity[i] && matched >= 0 && rangeQ > q[i])) {
          specificity[i] = matched;
          q[i] = rangeQ;
        }
      }
    }
    int best = -1;
    for (int i = 0; i < SERVED.size(); i++) {
      if (specificity[i] >= 0 && q[i] > 0 && (best < 0 || q[i] > q[best])) {
        best = i; // strictly greater: at equal q the earlier (preferred) type stays
      }
    }
    return best < 0 ? null : SERVED.get(best);
  }

  /** The DSTU2-era names HAPI's client still sends, as the R4 types they mean. */
  private static String canonical(String range) {
    return switch (range) {
      case "application/json+fhir" -> FHIR_JSON;
      case "application/xml+fhir" -> FHIR_XML;
      default -> range;
    };
  }

  /** 2: the exact type; 1: its type/*; 0: *&#47;*; -1: no match. */
  private static int specificity(String range, String served) {
    if (range.equals(served)) {
      return 2;
    }
    if (range.equals("*/*") || range.equals("*")) {
      return 0;
    }
    return range.endsWith("/*") && served.startsWith(range.substring(0, range.length() - 1)) ? 1 : -1;
  }

  private static double quality(String[] pieces) {
    for (int i = 1; i < pieces.length; i++) {
      String param = pieces[i].trim();
      if (param.startsWith("q=")) {
        try {
          double q = Double.parseDouble(param.substring(2));
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  /** POST _search carries its parameters as a form (or nothing). */
  static String checkSearchContentType(String contentType) {
    if (contentType == null || contentType.isBlank()
        || contentType.split(";")[0].trim().toLowerCase(Locale.ROOT).equals(FORM)) {
      return null;
    }
    return "POST _search takes its parameters as " + FORM;
  }

  /** Whether a request's declared body type is one of the XML types read here. */
  static boolean isXmlBody(String contentType) {
    return contentType != null && isXmlBodyType(contentType.split(";")[0].trim().toLowerCase(Locale.ROOT));
  }

  private static boolean isXmlBodyType(String type) {
    return isXml(type) || type.equals("application/xml+fhir");
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
          : "PATCH accepts JSON Patch (" + JSON_PATCH + ") only; FHIRPath Patch and XML Patch are not supported yet";
    }
    return type.equals(FHIR_JSON) || type.equals(JSON) || type.equals("application/json+fhir") || isXmlBodyType(type)
        ? null
        : "the request Content-Type is not supported; this server reads application/fhir+json, application/json, "
            + "application/fhir+xml, application/xml and text/xml";
  }
}
