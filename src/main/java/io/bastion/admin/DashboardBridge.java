package io.bastion.admin;

import io.bastion.audit.AuditAddresses;
import io.bastion.backup.BackupAddresses;
import io.bastion.db.DbAddresses;
import io.bastion.load.LoadAddresses;
import io.bastion.monitoring.MonitoringAddresses;
import io.bastion.security.SecurityAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's SockJS event-bus bridge: fully signed-in sessions only, only the addresses listed here,
 * and each address only for roles with its permission. Everything else is refused (deny by default).
 */
final class DashboardBridge {

  /** Addresses the dashboard may send to (request/reply), with the permission each needs. */
  static final Map<String, Permission> INBOUND = Map.of(
      MonitoringAddresses.HISTORY, Permission.OVERVIEW_VIEW,
      SecurityAddresses.STATUS, Permission.SECURITY_VIEW,
      DbAddresses.HEALTH, Permission.DATABASE_VIEW,
      BackupAddresses.LIST, Permission.BACKUPS_VIEW,
      LoadAddresses.STATUS, Permission.LOAD_VIEW,
      AuditAddresses.VERIFY, Permission.AUDIT_VIEW);
  /** Addresses the dashboard may subscribe to, with the permission each needs. */
  static final Map<String, Permission> OUTBOUND = Map.of(
      MonitoringAddresses.SNAPSHOT, Permission.OVERVIEW_VIEW,
      BackupAddresses.PROGRESS, Permission.BACKUPS_VIEW,
      LoadAddresses.PROGRESS, Permission.LOAD_VIEW);

  private DashboardBridge() {
  }

  static Router create(Vertx vertx, SessionStore sessions, AdminGuards guards) {
    SockJSBridgeOptions options = new SockJSBridgeOptions();
    INBOUND.keySet().forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    OUTBOUND.keySet().forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false).setInsertJSESSIONID(false);
    return SockJSHandler.create(vertx, sockJs).bridge(options, event -> authorise(event, sessions, guards));
  }

  /**
   * Every event needs the user the socket was opened with; a send or a subscription also needs that user's
   * roles to grant the address. A message going out also needs the session to still exist and be within
   * its absolute timeout, so signing out (or the session ending) stops a socket that is already open.
   */
  private static void authorise(BridgeEvent event, SessionStore sessions, AdminGuards guards) {
    switch (event.type()) {
      case SOCKET_CLOSED -> event.complete(true);
      case RECEIVE -> requireLiveSession(event, sessions, guards);
      case SEND, PUBLISH -> event.complete(permits(event.socket().webUser(), INBOUND, event)
          && BridgeFrames.bodyIsObjectOrAbsent(event.getRawMessage()));
      case REGISTER -> event.complete(permits(event.socket().webUser(), OUTBOUND, event));
      default -> event.complete(event.socket().webUser() != null);
    }
  }

  static boolean permits(User user, Map<String, Permission> table, BridgeEvent event) {
    Object address = event.getRawMessage() == null ? null : event.getRawMessage().getValue("address");
    Permission needed = address instanceof String text ? table.get(text) : null;
    return user != null && needed != null && Role.permissionsOf(roles(user)).contains(needed);
  }

  /** The roles the signed-in user had at sign-in (the admin API re-reads them from the database). */
  static List<Role> roles(User user) {
    List<Role> roles = new ArrayList<>();
    JsonArray names = user.principal().getJsonArray("roles", new JsonArray());
    names.forEach(name -> Role.byName(String.valueOf(name)).ifPresent(roles::add));
    return roles;
  }

  private static void requireLiveSession(BridgeEvent event, SessionStore sessions, AdminGuards guards) {
    Session session = event.socket().webSession();
    if (session == null || event.socket().webUser() == null) {
      event.socket().close();
      event.complete(false);
      return;
    }
    sessions.get(session.id()).onComplete(found -> {
      boolean live = found.succeeded() && found.result() != null
          && !guards.expired(Optional.ofNullable(found.result()).map(s -> (Long) s.get(AdminSession.SIGNED_IN_AT)).orElse(null));
      if (!live) {
        event.socket().close();
      }
      event.complete(live);
    });
  }
}
