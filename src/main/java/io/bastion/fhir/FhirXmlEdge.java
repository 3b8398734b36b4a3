package io.bastion.fhir;

import io.bastion.fhir.format.FhirXmlConverter;
import io.bastion.fhir.format.OperationOutcomeXml;
import io.bastion.fhir.format.XmlRejectedException;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XML at the /fhir edge: an XML request body becomes JSON before any route handler (validation, storage)
 * reads it, and a JSON response becomes XML as it leaves. Conversion runs on a small named worker pool,
 * unordered, never on the event loop. One per gateway instance; the converter (HAPI's context) is shared.
 */
final class FhirXmlEdge {

  static final String POOL = "bastion-fhir-xml";
  static final int POOL_SIZE = 2;
  /** Warm-up waits until the node has started, so it does not lengthen start-up on a small machine. */
  private static final long WARM_UP_DELAY_MS = 3_000;
  private static final Logger LOG = LoggerFactory.getLogger(FhirXmlEdge.class);

  private final FhirXmlConverter converter;
  private final WorkerExecutor workers;

  FhirXmlEdge(FhirXmlConverter converter, WorkerExecutor workers) {
    this.converter = converter;
    this.workers = workers;
  }

  /**
   * Builds HAPI's context in the background shortly after start, so the first XML request is not slow. A daemon
   * thread of its own, not the worker pool: nothing waits for it, and a node stopped while it runs (it takes
   * seconds) must not have it report back to an event loop that is gone.
   */
  void warmUpLater(Vertx vertx, String capabilityStatement) {
    vertx.setTimer(WARM_UP_DELAY_MS, id -> {
      Thread warmUp = new Thread(() -> {
        try {
          converter.warmUp(capabilityStatement);
        } catch (RuntimeException e) {
          LOG.warn("FHIR XML warm-up failed ({}); the first XML request builds the parser instead",
              e.getClass().getName());
        }
      }, POOL + "-warm-up");
      warmUp.setDaemon(true);
      warmUp.start();
    });
  }

  /** The writer that ends responses as XML of this media type (put in the routing context by FhirFormats). */
  ErrorRenderer.FhirBodyWriter writer(String mediaType) {
    return new ErrorRenderer.FhirBodyWriter() {
      @Override
      public void end(RoutingContext ctx, String json) {
        endAsXml(ctx, json, mediaType);
      }

      @Override
      public void endOutcomeNow(RoutingContext ctx, JsonObject outcome) {
        ctx.response().putHeader("Content-Type", mediaType + "; charset=utf-8").end(OperationOutcomeXml.encode(outcome));
      }
    };
  }

  private void endAsXml(RoutingContext ctx, String json, String mediaType) {
    workers.executeBlocking(() -> converter.jsonToXml(json), false).onComplete(converted -> {
      HttpServerResponse response = ctx.response();
      if (response.ended() || response.closed()) {
        return;
      }
      if (converted.succeeded()) {
        response.putHeader("Content-Type", mediaType + "; charset=utf-8").end(converted.result());
        return;
      }
      // a resource of our own that HAPI cannot read; the exception's message could quote it, so only its class
      RequestContext request = RequestContext.of(ctx);
      LOG.error("request {}: a {} response could not be converted to XML ({})", request == null ? "-" : request.requestId(),
          response.getStatusCode(), converted.cause().getClass().getName());
      ctx.remove(ErrorRenderer.FHIR_BODY_WRITER); // the error itself goes out as JSON
      ErrorRenderer.render(ctx, 500, "the response could not be converted to XML; it is available as JSON (_format=json)");
    });
  }

  /** Reads an XML request body with the route's body handler (limits apply); other bodies are left to the routes. */
  Handler<RoutingContext> readXmlBody(Handler<RoutingContext> bodyHandler) {
    return ctx -> {
      if (FhirFormats.isXmlBody(ctx.request().getHeader("Content-Type"))) {
        bodyHandler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** Replaces an XML request body by its JSON form; refused XML is answered 400 (or 422 too deep) here. */
  void convertRequestBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (!FhirFormats.isXmlBody(ctx.request().getHeader("Content-Type")) || body == null || body.length() == 0) {
      ctx.next();
      return;
    }
    byte[] xml = body.getBytes();
    workers.executeBlocking(() -> converter.xmlToJson(xml), false).onComplete(converted -> {
      if (converted.succeeded()) {
        // vertx-web's own hook for a body read earlier (BodyHandler sets it the same way): everything after
        // this (guards, validation, storage, audit) sees the JSON form only
        ((RoutingContextInternal) ctx).setBody(Buffer.buffer(converted.result()));
        ctx.next();
      } else if (converted.cause() instanceof XmlRejectedException refused) {
        FhirRoutes.fail(ctx, FhirException.of(refused.status(), refused.issueCode(), refused.getMessage()));
      } else {
        FhirRoutes.fail(ctx, converted.cause());
      }
    });
  }
}
