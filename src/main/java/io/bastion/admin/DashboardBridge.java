package io.bastion.admin;

import io.bastion.monitoring.MonitoringAddresses;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.sstore.SessionStore;

/**
 * The dashboard's SockJS event-bus bridge: signed-in sessions only, and only the addresses listed here.
 * Everything else is refused by the bridge itself (deny by default).
 */
final class DashboardBridge {

  private DashboardBridge() {
  }

  static Router create(Vertx vertx, SessionStore sessions) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(MonitoringAddresses.SNAPSHOT))
        .addInboundPermitted(new PermittedOptions().setAddress(MonitoringAddresses.HISTORY));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false).setInsertJSESSIONID(false);
    return SockJSHandler.create(vertx, sockJs).bridge(options, event -> authorise(event, sessions));
  }

  /**
   * Every event needs the user the socket was opened with; a message going out also needs that session to
   * still exist, so signing out (or the session idling out) ends a socket that is already open.
   */
  private static void authorise(BridgeEvent event, SessionStore sessions) {
    switch (event.type()) {
      case SOCKET_CLOSED -> event.complete(true);
      case RECEIVE -> requireLiveSession(event, sessions);
      default -> event.complete(event.socket().webUser() != null);
    }
  }

  private static void requireLiveSession(BridgeEvent event, SessionStore sessions) {
    Session session = event.socket().webSession();
    if (session == null || event.socket().webUser() == null) {
      event.socket().close();
      event.complete(false);
      return;
    }
    sessions.get(session.id()).onComplete(found -> {
      boolean live = found.succeeded() && found.result() != null;
      if (!live) {
        event.socket().close();
      }
      event.complete(live);
    });
  }
}
