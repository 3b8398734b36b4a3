package io.bastion.auth.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Control plane of client management: answers the {@link ClientAddresses} for {@code bastion ctl clients}
 * through the same {@link ClientService} the dashboard uses, so CLI changes are audited the same way.
 */
public final class ClientVerticle extends VerticleBase {

  private final ClientService clients;

  public ClientVerticle(ClientService clients) {
    this.clients = clients;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(ClientAddresses.LIST, this::list).completion(),
        bus.<JsonObject>consumer(ClientAddresses.ADD, this::add).completion(),
        bus.<JsonObject>consumer(ClientAddresses.DISABLE, message -> change(message, false)).completion(),
        bus.<JsonObject>consumer(ClientAddresses.REMOVE, message -> change(message, true)).completion());
  }

  private void list(Message<JsonObject> message) {
    clients.list().onSuccess(list -> message.reply(new JsonObject().put("clients",
        new JsonArray(list.stream().map(ApiClient::toJson).toList())))).onFailure(e -> fail(message, e));
  }

  private void add(Message<JsonObject> message) {
    try {
      ClientRequest request = ClientRequest.fromJson(message.body() == null ? new JsonObject() : message.body());
      clients.register(request, actor(message)).onSuccess(registered -> message.reply(registered.toJson()))
          .onFailure(e -> fail(message, e));
    } catch (ClientException e) {
      fail(message, e);
    }
  }

  private void change(Message<JsonObject> message, boolean remove) {
    String clientId = message.body() == null ? null : message.body().getString("clientId");
    if (clientId == null || clientId.isBlank() || clientId.length() > 128) {
      message.fail(400, "clientId is required");
      return;
    }
    (remove ? clients.remove(clientId, actor(message)) : clients.setDisabled(clientId, true, actor(message)))
        .onSuccess(client -> message.reply(client.toJson()))
        .onFailure(e -> fail(message, e));
  }

  private static ClientActor actor(Message<JsonObject> message) {
    String actor = message.headers().get(ClientAddresses.ACTOR_HEADER);
    return new ClientActor(actor == null ? "ctl" : actor, "ctl", null, null);
  }

  private static void fail(Message<JsonObject> message, Throwable e) {
    if (e instanceof ClientException refused) {
      message.fail(refused.status(), refused.getMessage());
    } else {
      message.fail(500, "client management failed: " + e.getClass().getSimpleName());
    }
  }
}
