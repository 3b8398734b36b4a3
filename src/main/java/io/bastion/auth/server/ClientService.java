package io.bastion.auth.server;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client management as the dashboard and the CLI use it: every change is committed, then recorded in the
 * audit trail (an application-activity AuditEvent naming the actor and the client) before the caller is
 * answered. An audit failure fails the call, so no change is reported done without its record.
 */
public final class ClientService {

  private static final Logger LOG = LoggerFactory.getLogger(ClientService.class);
  private static final String ACTIONS = "urn:bastion:audit:client-management";

  private final ClientRegistry registry;
  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  public ClientService(ClientRegistry registry, AuditTrail trail, String node, Clock clock) {
    this.registry = registry;
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  public Future<List<ApiClient>> list() {
    return registry.list();
  }

  public Future<ClientRegistry.Registered> register(ClientRequest request, ClientActor actor) {
    return registry.register(request, actor.who()).compose(registered -> audit(actor, AuditRecord.Action.C, "register",
        registered.client()).map(registered));
  }

  /** The changed client; fails with a 404 {@link ClientException} when there is no such client. */
  public Future<ApiClient> setDisabled(String clientId, boolean disabled, ClientActor actor) {
    return registry.setDisabled(clientId, disabled).compose(changed -> found(changed)
        .compose(client -> audit(actor, AuditRecord.Action.U, disabled ? "disable" : "enable", client).map(client)));
  }

  public Future<ApiClient> remove(String clientId, ClientActor actor) {
    return registry.remove(clientId).compose(removed -> found(removed)
        .compose(client -> audit(actor, AuditRecord.Action.D, "remove", client).map(client)));
  }

  private static Future<ApiClient> found(Optional<ApiClient> client) {
    return client.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new ClientException(404, "no such client")));
  }

  private Future<Void> audit(ClientActor actor, AuditRecord.Action action, String verb, ApiClient client) {
    LOG.info("{} {} API client {} ({})", actor.who(), verb, client.clientId(), String.join(" ", client.scopes()));
    AuditRecord record = new AuditRecord(AuditCodes.APPLICATION_ACTIVITY,
        new AuditRecord.Coding(ACTIONS, "client-" + verb, verb + " an API client"), action, clock.instant(),
        AuditRecord.Outcome.SUCCESS, null,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, actor.who(), actor.role(), true, actor.networkAddress())),
        node, List.of(new AuditRecord.Entity("urn:bastion:client:" + client.clientId(), AuditCodes.ENTITY_SYSTEM_OBJECT,
            null, null)),
        actor.requestId());
    return trail.append(record);
  }
}
