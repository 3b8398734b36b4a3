package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge that {@code bastion ctl} talks to. Deny by default: only the addresses in
 * {@link #INBOUND} may be sent to, nothing is delivered outbound, and every send, publish or register must
 * carry the configured token in the frame's {@code headers.token}.
 *
 * <p>What a client sees (vertx-tcp-eventbus-bridge 5.0.x): a message refused here comes back as
 * {@code {"type":"err","message":"blocked by bridgeEvent handler"}}; an address that is not permitted as
 * {@code {"type":"err","message":"access_denied"}}. The token is checked first, so a wrong token never
 * learns which addresses are permitted.
 */
final class CtlBridge {

  /** Addresses a ctl client may send to. Add one line per new `bastion ctl` subcommand. */
  static final List<String> INBOUND = List.of(NodeAddresses.STATUS);
  static final String TOKEN_HEADER = "token";
  private static final int MAX_LOGGED_ADDRESS = 120;
  private static final Logger LOG = LoggerFactory.getLogger(CtlBridge.class);

  private final CtlToken token;
  private final TcpEventBusBridge bridge;

  private CtlBridge(Vertx vertx, CtlConfig config) {
    this.token = CtlToken.of(config.token());
    BridgeOptions options = new BridgeOptions();
    INBOUND.forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    this.bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions(), this::authorise);
  }

  /** Starts listening on ctl.host:ctl.port; fails (and so fails the node's start) if it cannot. */
  static Future<CtlBridge> start(Vertx vertx, CtlConfig config) {
    CtlBridge ctl = new CtlBridge(vertx, config);
    String where = config.host() + ":" + config.port();
    return ctl.bridge.listen(config.port(), config.host())
        .map(listening -> {
          LOG.info("ctl bridge listening on {} (token required; inbound: {})", where, String.join(", ", INBOUND));
          return ctl;
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("ctl bridge cannot listen on " + where + ": "
            + e.getMessage(), e)));
  }

  Future<Void> close() {
    return bridge.close();
  }

  private void authorise(BridgeEvent event) {
    BridgeEventType type = event.type();
    if (type != BridgeEventType.SEND && type != BridgeEventType.PUBLISH && type != BridgeEventType.REGISTER) {
      event.complete(true); // pings, unregisters and socket events carry nothing to protect
      return;
    }
    JsonObject frame = event.getRawMessage();
    JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : null;
    Object presented = headers == null ? null : headers.getValue(TOKEN_HEADER);
    boolean accepted = token.matches(presented instanceof String s ? s : null);
    if (headers != null) {
      // The bridge copies frame headers onto the event-bus message: the secret stops here.
      headers.remove(TOKEN_HEADER);
    }
    if (!accepted) {
      LOG.warn("ctl bridge refused a {} to '{}' from {}: missing or wrong token", type.name().toLowerCase(),
          loggable(frame.getValue("address")), event.socket().remoteAddress());
    }
    event.complete(accepted);
  }

  private static String loggable(Object address) {
    String text = String.valueOf(address);
    return text.length() <= MAX_LOGGED_ADDRESS ? text : text.substring(0, MAX_LOGGED_ADDRESS) + "...";
  }
}
