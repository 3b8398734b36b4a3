package io.bastion.gateway;

import io.bastion.security.InlineWaf;
import io.bastion.security.SecurityAddresses;
import io.bastion.security.WafAuditEntry;
import io.bastion.security.WafAuditLog;
import io.bastion.security.WafConfig;
import io.bastion.security.WafRuntime;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline step 5: the WAF, inline on the event loop (the engine bounds its own cost per request); a body larger
 * than {@link LargeBodyInspection#INLINE_BYTES} on a worker.
 * {@link #headers} runs phase 1 on the request line and headers; the router's BodyHandler then reads the
 * body under the gateway's limit; {@link #body} runs phase 2 and decides. A block answers 403 (request id,
 * no rule details); every block or detection is published fire-and-forget on {@link SecurityAddresses#EVENT}
 * once the response is done (so a detection names the route template that served it), and every block is
 * queued, redacted, for the audit log of blocked transactions (waf.audit-log, written off the event loop).
 * Each request reads the {@link WafRuntime} once: mode, disabled rules and rule set come from that snapshot.
 */
final class WafHandler {

  /** The request's {@link Inspection} between phase 1 and phase 2: one context entry, not three (and no boxed long). */
  private static final String INSPECTION_KEY = "bastion.waf.inspection";
  static final String BLOCK_DETAIL = "the request was refused by the web application firewall; "
      + "quote the request id to the operators";

  private final WafRuntime runtime;
  private final WafAuditLog auditLog;
  private final EventBus events;
  private final LargeBodyInspection largeBodies;
  private final Map<InlineWaf.Outcome, Counter> outcomes = new EnumMap<>(InlineWaf.Outcome.class);
  private final Map<InlineWaf.Outcome, Timer> timers = new EnumMap<>(InlineWaf.Outcome.class);

  /**
   * What phase 1 hands phase 2: the WAF snapshot it ran under, the request as the engine saw it, its transaction,
   * the nanoseconds it spent.
   */
  private record Inspection(InlineWaf waf, WafRequest request, Transaction tx, long nanos) {
  }

  /** A transaction run on a {@link LargeBodyInspection} worker, and the nanoseconds it took there. */
  private record OffLoop(Transaction tx, long nanos) {
  }

  WafHandler(WafRuntime runtime, WafAuditLog auditLog, EventBus events, MeterRegistry registry,
      LargeBodyInspection largeBodies) {
    this.runtime = runtime;
    this.auditLog = auditLog;
    this.events = events;
    this.largeBodies = largeBodies;
    for (InlineWaf.Outcome o : InlineWaf.Outcome.values()) {
      outcomes.put(o, Counter.builder("bastion.waf.requests").description("Requests evaluated by the WAF")
          .tag("outcome", o.label()).register(registry));
      timers.put(o, Timer.builder("bastion.waf.evaluation").description("WAF evaluation time (phases 1 and 2)")
          .tag("outcome", o.label()).register(registry));
    }
  }

  /** Phase 1: request line, URI, arguments and headers. */
  void headers(RoutingContext ctx) {
    InlineWaf waf = runtime.current(); // one snapshot per request: a reload mid-request does not mix rule sets
    if (waf.mode() == WafConfig.Mode.OFF) {
      ctx.next();
      return;
    }
    long start = System.nanoTime();
    HttpServerRequest request = ctx.request();
    RequestContext rc = RequestContext.of(ctx);
    WafRequest seen = new WafRequest(request.method().name(), request.uri(), protocol(request),
        headers(request.headers()), null, rc == null ? null : rc.clientIp());
    Transaction tx = waf.begin(seen);
    tx.processRequestHeaders();
    long spent = System.nanoTime() - start;
    if (waf.outcome(tx) == InlineWaf.Outcome.BLOCKED) {
      finish(ctx, waf, tx, InlineWaf.Outcome.BLOCKED, spent);
      return;
    }
    ctx.put(INSPECTION_KEY, new Inspection(waf, seen, tx, spent));
    ctx.next();
  }

  /** Runs {@code next} (the body read) only for requests phase 1 is inspecting: not while the mode is off. */
  Handler<RoutingContext> whenInspecting(Handler<RoutingContext> next) {
    return ctx -> {
      if (ctx.get(INSPECTION_KEY) == null) {
        ctx.next();
      } else {
        next.handle(ctx);
      }
    };
  }

  /**
   * Phase 2: the body (read by the BodyHandler mounted before this), then the verdict. A body over
   * {@link LargeBodyInspection#INLINE_BYTES} is inspected on a worker instead ({@link #inspectOffLoop}).
   */
  void body(RoutingContext ctx) {
    Inspection inspection = ctx.get(INSPECTION_KEY);
    if (inspection == null) {
      ctx.next();
      return;
    }
    InlineWaf waf = inspection.waf();
    long start = System.nanoTime();
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    int length = body == null ? 0 : body.length();
    if (length > waf.requestBodyLimit()) {
      if (waf.mode() == WafConfig.Mode.ON) {
        inspection.tx().persistCollections();
        record(InlineWaf.Outcome.BLOCKED, inspection.nanos());
        ctx.response().putHeader("Connection", "close");
        ErrorRenderer.render(ctx, 413, "the request body is larger than the firewall inspects ("
            + waf.requestBodyLimit() + " bytes)");
        return;
      }
      body = body.getBuffer(0, waf.requestBodyLimit());
      length = body.length();
    }
    if (length > LargeBodyInspection.INLINE_BYTES) {
      inspectOffLoop(ctx, inspection, body.getBytes());
      return;
    }
    Transaction tx = inspection.tx();
    if (length > 0) {
      tx.attachRequestBody(body.getBytes());
    }
    tx.processRequestBody();
    decide(ctx, waf, tx, inspection.nanos() + System.nanoTime() - start);
  }

  /**
   * Phases 1 and 2 of a large body on a worker, so parsing and matching it never holds the event loop (the
   * costliest 128 KiB bodies took the engine 30-70 ms, docs/benchmarks.md). Phase 1 runs again there, in a
   * transaction made on the worker: a transaction runs on the thread that made it (it shares that thread's kept
   * header memos), and the loop's phase-1 transaction is dropped without writing its collections back, so the
   * request counts once. Past {@link LargeBodyInspection#MAX_WAITING_BYTES} of bodies waiting: 503, retry.
   */
  private void inspectOffLoop(RoutingContext ctx, Inspection inspection, byte[] body) {
    InlineWaf waf = inspection.waf();
    Future<OffLoop> inspected = largeBodies.inspect(body.length, () -> {
      long start = System.nanoTime();
      Transaction tx = waf.begin(inspection.request());
      tx.processRequestHeaders();
      if (waf.outcome(tx) != InlineWaf.Outcome.BLOCKED) {
        tx.attachRequestBody(body);
        tx.processRequestBody();
      }
      return new OffLoop(tx, System.nanoTime() - start);
    });
    if (inspected == null) {
      ErrorRenderer.render(ctx, 503, "the firewall is inspecting too many large request bodies at once; retry");
      return;
    }
    inspected.onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else {
        decide(ctx, waf, done.result().tx(), inspection.nanos() + done.result().nanos());
      }
    });
  }

  /** The verdict once phase 2 ran: block, or record the outcome (and publish a detection) and go on. */
  private void decide(RoutingContext ctx, InlineWaf waf, Transaction tx, long spent) {
    InlineWaf.Outcome outcome = waf.outcome(tx);
    if (outcome == InlineWaf.Outcome.BLOCKED) {
      finish(ctx, waf, tx, outcome, spent);
      return;
    }
    tx.persistCollections();
    record(outcome, spent);
    if (outcome == InlineWaf.Outcome.DETECTED) {
      ctx.addEndHandler(done -> publish(ctx, waf, tx, outcome));
    }
    ctx.next();
  }

  private void finish(RoutingContext ctx, InlineWaf waf, Transaction tx, InlineWaf.Outcome outcome, long nanos) {
    tx.persistCollections();
    record(outcome, nanos);
    publish(ctx, waf, tx, outcome);
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader("Connection", "close"); // a body was never read: do not reuse the connection
    }
    ErrorRenderer.render(ctx, 403, BLOCK_DETAIL);
    if (auditLog != null) {
      HttpServerRequest request = ctx.request();
      RequestContext rc = RequestContext.of(ctx);
      auditLog.offer(WafAuditEntry.of(waf, tx, new WafAuditEntry.Exchange(rc == null ? null : rc.requestId(),
          rc == null ? null : rc.clientIp(), System.currentTimeMillis(), request.method().name(), request.uri(),
          protocol(request), request.headers(), ctx.body() == null ? 0 : ctx.body().length(),
          ctx.response().getStatusCode(), ctx.response().headers())));
    }
  }

  private void record(InlineWaf.Outcome outcome, long nanos) {
    outcomes.get(outcome).increment();
    timers.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  private void publish(RoutingContext ctx, InlineWaf waf, Transaction tx, InlineWaf.Outcome outcome) {
    RequestContext rc = RequestContext.of(ctx);
    JsonObject event = waf.event(tx, outcome)
        .put("requestId", rc == null ? null : rc.requestId())
        .put("clientIp", rc == null ? null : rc.clientIp())
        .put("method", ctx.request().method().name())
        .put("route", outcome == InlineWaf.Outcome.BLOCKED ? "(blocked before routing)" : ResponseObserver.routeTemplate(ctx))
        .put("time", System.currentTimeMillis());
    events.publish(SecurityAddresses.EVENT, event);
  }

  private static String protocol(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2.0";
      default -> "HTTP/1.1";
    };
  }

  /**
   * The headers in arrival order, as an immutable list that {@link WafRequest} keeps without copying. Not sized by
   * {@code headers.size()}: Vert.x counts a request's headers by collecting their distinct names into a TreeSet.
   */
  private static List<WafRequest.Header> headers(MultiMap headers) {
    WafRequest.Header[] list = new WafRequest.Header[16];
    int n = 0;
    for (Map.Entry<String, String> h : headers) {
      if (n == list.length) {
        list = Arrays.copyOf(list, n * 2);
      }
      list[n++] = new WafRequest.Header(h.getKey(), h.getValue());
    }
    return List.of(n == list.length ? list : Arrays.copyOf(list, n));
  }
}
