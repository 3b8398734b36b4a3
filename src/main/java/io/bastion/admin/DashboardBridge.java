package io.bastion.admin;

import io.bastion.monitoring.MonitoringAddresses;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;

/**
 * The dashboard's SockJS event-bus bridge: signed-in sessions only, and only the addresses listed here.
 * Everything else is refused by the bridge itself (deny by default).
 */
final class DashboardBridge {

  private DashboardBridge() {
  }

  static Router create(Vertx vertx) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(MonitoringAddresses.SNAPSHOT))
        .addInboundPermitted(new PermittedOptions().setAddress(MonitoringAddresses.HISTORY));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false).setInsertJSESSIONID(false);
    return SockJSHandler.create(vertx, sockJs).bridge(options, DashboardBridge::authorise);
  }

  /** Every event needs the session's user; received messages ride on a socket that was checked at creation. */
  private static void authorise(BridgeEvent event) {
    if (event.type() == BridgeEventType.RECEIVE || event.type() == BridgeEventType.SOCKET_CLOSED) {
      event.complete(true);
      return;
    }
    event.complete(event.socket().webUser() != null);
  }
}
