package io.bastion.auth.server;

/**
 * Event-bus addresses of client management, for {@code bastion ctl clients ...} over the ctl bridge.
 * Requests are JSON objects: {@code list} takes nothing and answers {@code {"clients": [...]}};
 * {@code add} takes a {@link ClientRequest} and answers the client (with {@code clientSecret} once);
 * {@code disable} and {@code remove} take {@code {"clientId"}} and answer the client. The ctl bridge
 * adds {@link #ACTOR_HEADER} (who sent it) to each message. Failures carry the HTTP-like status as code.
 */
public final class ClientAddresses {

  public static final String LIST = "bastion.auth.clients.list";
  public static final String ADD = "bastion.auth.clients.add";
  public static final String DISABLE = "bastion.auth.clients.disable";
  public static final String REMOVE = "bastion.auth.clients.remove";
  /** Message header naming the actor for the audit trail, set by the bridge (never by the sender). */
  public static final String ACTOR_HEADER = "bastion-actor";

  private ClientAddresses() {
  }
}
