package io.bastion.cli;

import io.bastion.admin.NodeAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code bastion ctl status}: who the node is, where its stores are, what it runs, how busy it is. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a node's identity, stores, verticles and load.")
final class CtlStatusCommand extends CtlSubcommand {

  @Override
  String address() {
    return NodeAddresses.STATUS;
  }

  @Override
  void render(JsonObject status, PrintWriter out) {
    JsonObject stores = status.getJsonObject("stores", new JsonObject());
    JsonObject postgres = stores.getJsonObject("postgres", new JsonObject());
    JsonObject redis = stores.getJsonObject("redis", new JsonObject());
    line(out, "node", status.getString("node"));
    line(out, "version", status.getString("version"));
    line(out, "uptime", uptime(status.getLong("uptimeSeconds", 0L)));
    line(out, "postgres", postgres.getString("source") + " (" + postgres.getString("reason") + ")");
    line(out, "redis", redis.getString("mode") + " (" + redis.getString("reason") + ")");
    line(out, "requests/s", String.format(Locale.ROOT, "%.1f", status.getDouble("requestsPerSecond", 0.0)));
    JsonArray verticles = status.getJsonArray("verticles", new JsonArray());
    line(out, "verticles", String.valueOf(verticles.size()));
    for (int i = 0; i < verticles.size(); i++) {
      JsonObject verticle = verticles.getJsonObject(i);
      out.printf(Locale.ROOT, "  %-22s x%d%n", verticle.getString("name"), verticle.getInteger("instances", 0));
    }
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-12s%s%n", label, value);
  }

  static String uptime(long seconds) {
    return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m " + (seconds % 60) + "s";
  }
}
