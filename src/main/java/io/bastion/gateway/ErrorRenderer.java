package io.bastion.gateway;

import io.bastion.db.ConnectionLoss;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: a FHIR OperationOutcome under /fhir, application/problem+json
 * everywhere else. Server errors are logged with the request id; the client gets the id, never a stack
 * trace or exception text.
 */
public final class ErrorRenderer {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

  /**
   * Routing-context key of the {@link FhirBodyWriter} the FHIR module sets when a client negotiated a
   * format other than JSON (XML); /fhir errors then leave through it. Absent: JSON.
   */
  public static final String FHIR_BODY_WRITER = "bastion.fhir.bodyWriter";

  /** Ends a /fhir response whose status and headers are set, in the negotiated format. */
  public interface FhirBodyWriter {
    /** Any resource given as JSON; may finish later (off the event loop). */
    void end(RoutingContext ctx, String json);

    /** A simple error OperationOutcome, ended before returning: router error handlers cannot wait. */
    void endOutcomeNow(RoutingContext ctx, JsonObject outcome);
  }

  private ErrorRenderer() {
  }

  /** Router error handler for any status: renders ctx.failure() or the status alone. */
  static void renderFailure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    Throwable failure = ctx.failure();
    String detail;
    String formLimit = formLimit(failure);
    if (formLimit != null) {
      status = 400;
      detail = formLimit;
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      detail = http.getPayload() != null ? http.getPayload() : defaultDetail(status);
    } else if (failure != null && ConnectionLoss.is(failure)) {
      // PostgreSQL went away under the request (restart, failover): not a bug, and the client may retry
      status = 503;
      RequestContext request = RequestContext.of(ctx);
      LOG.warn("request {} lost its database connection on route {}; answering 503: {}",
          request == null ? "-" : request.requestId(), ResponseObserver.routeTemplate(ctx), failure.getMessage());
      detail = "the database connection failed while answering; retry";
    } else if (failure != null && undecodableBody(failure)) {
      status = 400;
      detail = "the request body could not be decoded (a malformed chunk, or in a form a bad %-escape or a parameter "
          + "without a name)";
    } else if (failure != null && status >= 400 && status < 500) {
      detail = defaultDetail(status); // a handler refused the request with a client error and said why in its log
    } else if (status >= 500 || failure != null) {
      status = failure != null && status < 500 ? 500 : status;
      RequestContext request = RequestContext.of(ctx);
      LOG.error("request {} failed with {} on route {}", request == null ? "-" : request.requestId(), status,
          ResponseObserver.routeTemplate(ctx), failure);
      detail = defaultDetail(status);
    } else {
      detail = defaultDetail(status);
    }
    render(ctx, status, detail);
  }

  /** Which of the form decoder's limits a form body passed (HttpServerOptions), or null. */
  private static String formLimit(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
        return "the form has more fields than the server reads (" + HttpServerOptions.DEFAULT_MAX_FORM_FIELDS
            + "); give one search parameter several values with commas instead of repeating it";
      }
      // a value past HttpServerOptions' maxFormAttributeSize: Netty's AbstractHttpData.checkSize says only this
      if (t instanceof HttpPostRequestDecoder.TooLongFormFieldException
          || t instanceof IOException && "Size exceed allowed maximum capacity".equals(t.getMessage())) {
        return "a form field is longer than the server reads (" + GatewayVerticle.MAX_FORM_VALUE_BYTES + " bytes)";
      }
    }
    return null;
  }

  /**
   * The request's body could not be decoded: Netty throws a DecoderException for a bad %-escape in a form, and a
   * bare IllegalArgumentException for a form parameter without a name or a NumberFormatException for a chunk size
   * that is not hex. All are the client's bytes, not a server failure.
   */
  private static boolean undecodableBody(Throwable failure) {
    if (failure instanceof DecoderException) {
      return true;
    }
    if (failure instanceof IllegalArgumentException) {
      StackTraceElement[] frames = failure.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, 8); i++) {
        if (frames[i].getClassName().startsWith("io.netty.handler.codec.http.")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Ends the response with an error in the format the path calls for. */
  public static void render(RoutingContext ctx, int status, String detail) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    RequestContext request = RequestContext.of(ctx);
    String requestId = request == null ? null : request.requestId();
    retryLater(response, status);
    response.setStatusCode(status);
    if (status == 405 && ctx.get("allowed-methods") != null) {
      response.putHeader("Allow", (String) ctx.get("allowed-methods"));
    }
    if (ctx.normalizedPath().startsWith("/fhir")) {
      FhirBodyWriter writer = ctx.get(FHIR_BODY_WRITER);
      JsonObject outcome = operationOutcome(status, detail, requestId);
      if (writer == null) {
        response.putHeader("Content-Type", "application/fhir+json; charset=utf-8").end(outcome.encode());
      } else {
        writer.endOutcomeNow(ctx, outcome); // this may run in a router error handler: it must end now
      }
    } else {
      JsonObject problem = new JsonObject().put("type", "about:blank").put("title", title(status))
          .put("status", status).put("detail", detail);
      if (requestId != null) {
        problem.put("instance", "urn:bastion:request:" + requestId);
      }
      response.putHeader("Content-Type", "application/problem+json").end(problem.encode());
    }
  }

  /**
   * Ends a /fhir response with an OperationOutcome made of the given issues (several problems reported
   * at once, each with its own code and expression). The request id goes into the first issue's details.
   */
  public static void renderOutcome(RoutingContext ctx, int status, JsonArray issues) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    RequestContext request = RequestContext.of(ctx);
    JsonArray copy = issues.copy();
    if (copy.isEmpty()) {
      copy.add(new JsonObject().put("severity", "error").put("code", issueCode(status)).put("diagnostics", defaultDetail(status)));
    }
    if (request != null && copy.getJsonObject(0).getValue("details") == null) {
      copy.getJsonObject(0).put("details", new JsonObject().put("text", "request id " + request.requestId()));
    }
    retryLater(response, status);
    response.setStatusCode(status);
    endFhir(ctx, new JsonObject().put("resourceType", "OperationOutcome").put("issue", copy));
  }

  /**
   * A 503 is transient (a database connection lost and replaced at once, an audit trail that could not append):
   * it tells the client when to retry, unless its handler already said.
   */
  private static void retryLater(HttpServerResponse response, int status) {
    if (status == 503 && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", "1");
    }
  }

  private static void endFhir(RoutingContext ctx, JsonObject outcome) {
    FhirBodyWriter writer = ctx.get(FHIR_BODY_WRITER);
    if (writer == null) {
      ctx.response().putHeader("Content-Type", "application/fhir+json; charset=utf-8").end(outcome.encode());
    } else {
      writer.end(ctx, outcome.encode());
    }
  }

  public static JsonObject operationOutcome(int status, String detail, String requestId) {
    JsonObject issue = new JsonObject().put("severity", status >= 500 ? "fatal" : "error")
        .put("code", issueCode(status)).put("diagnostics", detail);
    if (requestId != null) {
      issue.put("details", new JsonObject().put("text", "request id " + requestId));
    }
    return new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(issue));
  }

  private static String issueCode(int status) {
    return switch (status) {
      case 400, 415, 422 -> "invalid";
      case 401 -> "login";
      case 403 -> "forbidden";
      case 404, 410 -> "not-found";
      case 405, 406 -> "not-supported";
      case 409, 412 -> "conflict";
      case 413 -> "too-costly";
      case 429 -> "throttled";
      case 503 -> "transient";
      default -> status >= 500 ? "exception" : "processing";
    };
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no resource at this path";
      case 405 -> "this path does not accept this method";
      case 413 -> "the request body is larger than the configured limit";
      case 415 -> "unsupported request content type";
      case 503 -> "the service is not ready, retry later";
      default -> status >= 500 ? "internal error; quote the request id to the operators" : title(status);
    };
  }
}
