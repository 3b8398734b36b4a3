package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bastion ctl clients remove CLIENT_ID}: deletes the client's registration (the audit trail keeps its history). */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a client's registration.")
final class CtlClientsRemoveCommand extends CtlSubcommand {

  @Parameters(index = "0", paramLabel = "CLIENT_ID")
  String clientId;

  @Override
  String address() {
    return ClientAddresses.REMOVE;
  }

  @Override
  JsonObject body() {
    return new JsonObject().put("clientId", clientId);
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("removed " + reply.getString("clientId") + " (" + reply.getString("name") + ")");
  }
}
