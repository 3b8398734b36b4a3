package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bastion ctl clients disable CLIENT_ID}: the client gets no new tokens (issued ones expire on their own). */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop issuing tokens to a client.")
final class CtlClientsDisableCommand extends CtlSubcommand {

  @Parameters(index = "0", paramLabel = "CLIENT_ID")
  String clientId;

  @Override
  String address() {
    return ClientAddresses.DISABLE;
  }

  @Override
  JsonObject body() {
    return new JsonObject().put("clientId", clientId);
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("disabled " + reply.getString("clientId") + " (" + reply.getString("name") + ")");
  }
}
