package io.bastion.cli;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

/**
 * A small client for the TCP event-bus bridge (vertx-tcp-eventbus-bridge wire protocol: a 4-byte
 * big-endian length, then a JSON frame) on its own one-thread Vert.x, released by {@link #close()}.
 * Every frame carries the ctl token in {@code headers.token}. One request at a time per client.
 *
 * <p>How the bridge answers (5.0.x): a reply as {@code {"type":"message","address":<our replyAddress>,
 * "body":..}}; a failed reply as {@code {"type":"err","failureType":..,"failureCode":..,"message":..}};
 * a refusal by the bridge itself as {@code {"type":"err","message":..}} without an address, where
 * "blocked by bridgeEvent handler" means the node's token check said no, "forbidden: ..." (sent just before
 * it) that the token's role may not use the address, and "access_denied" that the address is not permitted.
 */
public final class BridgeClient {

  static final String REFUSED_BY_HANDLER = "blocked by bridgeEvent handler";
  static final String ACCESS_DENIED = "access_denied";
  /** Prefix of the node's refusal of a valid token whose role lacks the address's permission. */
  static final String FORBIDDEN_PREFIX = "forbidden: ";

  private final Vertx vertx;
  private final String token;
  /** Held for the client's life: an unreferenced Vert.x 5 NetClient may be collected, closing its socket. */
  private NetClient netClient;
  private volatile NetSocket socket;
  private InFlight inFlight;
  /** Set by a "forbidden" frame: the bridge's own "blocked" frame for the same message follows it. */
  private boolean swallowNextBlocked;

  private record InFlight(String address, String replyAddress, Promise<JsonObject> reply) {
  }

  private BridgeClient(String token) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    this.token = token;
  }

  /** A client with its own Vert.x; {@link #close()} it when done, whether or not it connected. */
  public static BridgeClient create(String token) {
    return new BridgeClient(token);
  }

  /**
   * Connects to a node's ctl bridge; fails with {@link BridgeException.Kind#UNREACHABLE} when there is no
   * connection within the timeout.
   */
  public Future<Void> connect(String host, int port, Duration timeout) {
    netClient = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()));
    return netClient.connect(port, host)
        .recover(e -> Future.failedFuture(new BridgeException(BridgeException.Kind.UNREACHABLE, unreachableReason(e, timeout))))
        .map(connected -> {
          socket = connected;
          connected.handler(new FrameParser(this::onFrame));
          connected.closeHandler(v -> fail(new BridgeException(BridgeException.Kind.BROKEN, "the node closed the connection")));
          connected.exceptionHandler(e -> fail(new BridgeException(BridgeException.Kind.BROKEN, "connection error: " + e.getMessage())));
          return null;
        });
  }

  /** Sends {@code body} to {@code address} and waits at most {@code timeout} for the reply's body. */
  public Future<JsonObject> request(String address, JsonObject body, Duration timeout) {
    if (socket == null) {
      return Future.failedFuture(new IllegalStateException("not connected"));
    }
    InFlight request = new InFlight(address, "bastion.ctl.reply." + UUID.randomUUID(), Promise.promise());
    synchronized (this) {
      if (inFlight != null) {
        return Future.failedFuture(new IllegalStateException("a request is already in flight"));
      }
      inFlight = request;
    }
    long timer = vertx.setTimer(timeout.toMillis(), id -> fail(new BridgeException(BridgeException.Kind.TIMEOUT,
        "no reply from " + address + " within " + timeout.toSeconds() + " s")));
    JsonObject frame = new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", request.replyAddress())
        // timeout: the bridge's own wait for the consumer's reply (30 s by default) follows the client's
        .put("headers", new JsonObject().put("token", token).put("timeout", timeout.toMillis()))
        .put("body", body);
    FrameHelper.writeFrame(frame, socket);
    return request.reply().future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /**
   * Closes the connection and this client's Vert.x. Call it from a thread of the caller, never from a
   * callback of this client: a Vert.x cannot report its own close on a loop it has just stopped.
   */
  public Future<Void> close() {
    Future<Void> closed = netClient == null ? Future.succeededFuture() : netClient.close();
    return closed.otherwiseEmpty().eventually(vertx::close);
  }

  private void onFrame(AsyncResult<JsonObject> parsed) {
    if (parsed.failed()) {
      fail(new BridgeException(BridgeException.Kind.BROKEN, "unreadable frame from the node"));
      return;
    }
    JsonObject frame = parsed.result();
    String type = String.valueOf(frame.getValue("type"));
    String message = String.valueOf(frame.getValue("message"));
    InFlight current = current();
    if ("message".equals(type)) {
      if (current != null && current.replyAddress().equals(frame.getValue("address"))) {
        complete(frame.getValue("body"));
      }
    } else if ("err".equals(type)) {
      if (frame.containsKey("failureType")) {
        fail(new BridgeException(BridgeException.Kind.REPLY_FAILED, frame.getValue("failureType") + " ("
            + frame.getValue("failureCode") + "): " + message));
      } else if (message.startsWith(FORBIDDEN_PREFIX)) {
        swallowNextBlocked = true;
        fail(new BridgeException(BridgeException.Kind.ROLE_REFUSED, message.substring(FORBIDDEN_PREFIX.length())));
      } else if (REFUSED_BY_HANDLER.equals(message) && swallowNextBlocked) {
        swallowNextBlocked = false; // the refusal of the message just reported as forbidden, not of a later one
      } else if (REFUSED_BY_HANDLER.equals(message)) {
        fail(new BridgeException(BridgeException.Kind.TOKEN_REFUSED, "the node refused the token"));
      } else if (ACCESS_DENIED.equals(message)) {
        fail(new BridgeException(BridgeException.Kind.ADDRESS_REFUSED, "the node does not permit "
            + (current == null ? "this address" : current.address()) + " over the ctl bridge"));
      } else {
        fail(new BridgeException(BridgeException.Kind.BROKEN, "the bridge answered: " + message));
      }
    }
    // "pong" and messages for other reply addresses are not ours to answer.
  }

  private synchronized InFlight current() {
    return inFlight;
  }

  private synchronized InFlight takeInFlight() {
    InFlight taken = inFlight;
    inFlight = null;
    return taken;
  }

  private void complete(Object body) {
    InFlight done = takeInFlight();
    if (done == null) {
      return;
    }
    if (body instanceof JsonObject json) {
      done.reply().tryComplete(json);
    } else {
      done.reply().tryFail(new BridgeException(BridgeException.Kind.BROKEN, "the reply is not a JSON object"));
    }
  }

  private void fail(BridgeException failure) {
    InFlight done = takeInFlight();
    if (done != null) {
      done.reply().tryFail(failure);
    }
  }

  private static String unreachableReason(Throwable e, Duration timeout) {
    if (e instanceof ConnectTimeoutException) {
      return "no answer within " + timeout.toSeconds() + " s";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    return String.valueOf(e.getMessage());
  }

  @Override
  public String toString() {
    return "BridgeClient[" + (socket == null ? "not connected" : socket.remoteAddress()) + ", token=<redacted>]";
  }
}
