package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code bastion ctl clients list}: every registered client, its method, state and scopes. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered API clients.")
final class CtlClientsListCommand extends CtlSubcommand {

  @Override
  String address() {
    return ClientAddresses.LIST;
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    JsonArray clients = reply.getJsonArray("clients", new JsonArray());
    if (clients.isEmpty()) {
      out.println("no clients registered (add one with: bastion ctl clients add --name NAME --scopes SCOPES ...)");
      return;
    }
    out.printf(Locale.ROOT, "%-26s %-24s %-16s %-9s %s%n", "CLIENT ID", "NAME", "METHOD", "STATE", "SCOPES");
    for (int i = 0; i < clients.size(); i++) {
      JsonObject client = clients.getJsonObject(i);
      out.printf(Locale.ROOT, "%-26s %-24s %-16s %-9s %s%n", client.getString("clientId"), client.getString("name"),
          client.getString("authMethod"), client.getBoolean("disabled", false) ? "disabled" : "enabled",
          String.join(" ", client.getJsonArray("scopes", new JsonArray()).stream().map(String::valueOf).toList()));
    }
  }
}
