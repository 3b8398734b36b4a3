package io.bastion.admin;

import io.bastion.audit.AuditAddresses;
import io.bastion.auth.server.ClientAddresses;
import io.bastion.backup.BackupAddresses;
import io.bastion.fhir.FhirAddresses;
import io.bastion.security.SecurityAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge that {@code bastion ctl} talks to. Deny by default: only the addresses in
 * {@link #INBOUND} may be sent to, each only by a token whose role has the address's permission; nothing
 * is delivered outbound; every send, publish or register must carry a token in the frame's
 * {@code headers.token}. Tokens are the configured bootstrap {@code ctl.token} (role admin) or a database
 * token ({@link CtlTokens}: role, expiry, revocation checked on every message).
 *
 * <p>What a client sees (vertx-tcp-eventbus-bridge 5.0.x): a refused token comes back as
 * {@code {"type":"err","message":"blocked by bridgeEvent handler"}}; a valid token whose role lacks the
 * permission first gets {@code {"type":"err","message":"forbidden: ..."}} (written here) and then the
 * same blocked frame; an address that is not permitted at all {@code {"type":"err","message":"access_denied"}}.
 * The token is checked first, so a wrong token never learns which addresses are permitted.
 */
final class CtlBridge {

  /**
   * Addresses a ctl client may send to, and the permission each requires of the token's role. Add one
   * line per new `bastion ctl` subcommand.
   */
  static final Map<String, Permission> INBOUND = new TreeMap<>(Map.ofEntries(
      Map.entry(NodeAddresses.STATUS, Permission.NODE_STATUS),
      Map.entry(AuditAddresses.VERIFY, Permission.AUDIT_VIEW),
      Map.entry(BackupAddresses.RUN, Permission.BACKUPS_MANAGE),
      Map.entry(SecurityAddresses.BLOCK, Permission.SECURITY_MANAGE),
      Map.entry(SecurityAddresses.UNBLOCK, Permission.SECURITY_MANAGE),
      Map.entry(FhirAddresses.SEED, Permission.FHIR_SEED),
      Map.entry(FhirAddresses.PHI_STATUS, Permission.PHI_KEYS_MANAGE),
      Map.entry(FhirAddresses.PHI_ROTATE, Permission.PHI_KEYS_MANAGE),
      Map.entry(ClientAddresses.LIST, Permission.CLIENTS_MANAGE),
      Map.entry(ClientAddresses.ADD, Permission.CLIENTS_MANAGE),
      Map.entry(ClientAddresses.DISABLE, Permission.CLIENTS_MANAGE),
      Map.entry(ClientAddresses.REMOVE, Permission.CLIENTS_MANAGE)));
  /** `bastion ctl waf ...`: status for security-view, changes for security-manage (security-officer, admin). */
  static final Map<String, Permission> WAF_COMMANDS = Map.of(
      SecurityAddresses.STATUS, Permission.SECURITY_VIEW,
      SecurityAddresses.RULES_RELOAD, Permission.SECURITY_MANAGE,
      SecurityAddresses.WAF_MODE, Permission.SECURITY_MANAGE,
      SecurityAddresses.RULES_DISABLE, Permission.SECURITY_MANAGE);

  static {
    INBOUND.putAll(WAF_COMMANDS);
  }

  static final String TOKEN_HEADER = "token";
  private static final List<String> ACTOR_HEADERS = List.of(SecurityAddresses.ACTOR_HEADER,
      SecurityAddresses.ACTOR_ROLE_HEADER, SecurityAddresses.ACTOR_IP_HEADER, SecurityAddresses.REQUEST_ID_HEADER);
  static final String FORBIDDEN_PREFIX = "forbidden: ";
  private static final int MAX_LOGGED_ADDRESS = 120;
  private static final Logger LOG = LoggerFactory.getLogger(CtlBridge.class);

  private final CtlToken bootstrap;
  private final CtlTokens tokens;
  private final TcpEventBusBridge bridge;

  private CtlBridge(Vertx vertx, CtlConfig config, CtlTokens tokens) {
    this.bootstrap = config.hasBootstrapToken() ? CtlToken.of(config.token()) : null;
    this.tokens = tokens;
    BridgeOptions options = new BridgeOptions();
    INBOUND.keySet().forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    this.bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions(), this::authorise);
    CtlFrameLimit.install(bridge);
  }

  /** Starts listening on ctl.host:ctl.port; fails (and so fails the node's start) if it cannot. */
  static Future<CtlBridge> start(Vertx vertx, CtlConfig config, CtlTokens tokens) {
    CtlBridge ctl = new CtlBridge(vertx, config, tokens);
    String where = config.host() + ":" + config.port();
    return ctl.bridge.listen(config.port(), config.host())
        .map(listening -> {
          LOG.info("ctl bridge listening on {} (token required{}; inbound: {})", where,
              config.hasBootstrapToken() ? ", bootstrap token configured" : "", String.join(", ", INBOUND.keySet()));
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
    Object value = headers == null ? null : headers.getValue(TOKEN_HEADER);
    String presented = value instanceof String s ? s : null;
    if (headers != null) {
      // The bridge copies frame headers onto the event-bus message: the secret stops here, and who sent the
      // message is what this bridge says (set below), never what the client claims.
      headers.remove(TOKEN_HEADER);
      ACTOR_HEADERS.forEach(headers::remove);
      headers.remove(ClientAddresses.ACTOR_HEADER);
    }
    Object address = frame.getValue("address");
    holderOf(presented).onComplete(found -> {
      Optional<CtlTokens.Holder> holder = found.succeeded() ? found.result() : Optional.empty();
      Optional<Role> role = holder.map(CtlTokens.Holder::role);
      if (role.isEmpty()) {
        LOG.warn("ctl bridge refused a {} to '{}' from {}: missing, wrong, expired or revoked token",
            type.name().toLowerCase(), loggable(address), event.socket().remoteAddress());
        event.complete(false);
        return;
      }
      Permission needed = address instanceof String text ? INBOUND.get(text) : null;
      if (needed == null) {
        event.complete(true); // not on the list: the bridge itself answers access_denied
      } else if (!BridgeFrames.bodyIsObjectOrAbsent(frame)) {
        FrameHelper.sendErrFrame(BridgeFrames.BODY_NOT_AN_OBJECT, event.socket());
        event.complete(false);
      } else if (role.get().may(needed)) {
        headers.put(SecurityAddresses.ACTOR_HEADER, "ctl:" + holder.get().name())
            .put(SecurityAddresses.ACTOR_ROLE_HEADER, role.get().wireName())
            .put(SecurityAddresses.ACTOR_IP_HEADER, event.socket().remoteAddress().hostAddress())
            .put(ClientAddresses.ACTOR_HEADER, "ctl:" + holder.get().name() + " (" + role.get().wireName() + ")");
        event.complete(true);
      } else {
        LOG.warn("ctl bridge refused a {} to '{}' from {}: role {} lacks {}", type.name().toLowerCase(), loggable(address),
            event.socket().remoteAddress(), role.get().wireName(), needed.wireName());
        FrameHelper.sendErrFrame(FORBIDDEN_PREFIX + "the token's role (" + role.get().wireName() + ") may not use " + address,
            event.socket());
        event.complete(false);
      }
    });
  }

  private Future<Optional<CtlTokens.Holder>> holderOf(String presented) {
    if (bootstrap != null && bootstrap.matches(presented)) {
      return Future.succeededFuture(Optional.of(new CtlTokens.Holder("bootstrap", Role.ADMIN)));
    }
    return tokens.holderOf(presented);
  }

  private static String loggable(Object address) {
    String text = String.valueOf(address);
    return text.length() <= MAX_LOGGED_ADDRESS ? text : text.substring(0, MAX_LOGGED_ADDRESS) + "...";
  }
}
