package io.bastion.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/** A {@code bastion ctl clients} subcommand that acts on one client named by its id and reports what it did. */
abstract class CtlClientActionCommand extends CtlSubcommand {

  @Parameters(index = "0", paramLabel = "CLIENT_ID")
  String clientId;

  /** The past tense the reply is reported with ("disabled", "removed"). */
  abstract String done();

  @Override
  final JsonObject body() {
    return new JsonObject().put("clientId", clientId);
  }

  @Override
  final void render(JsonObject reply, PrintWriter out) {
    out.println(done() + " " + reply.getString("clientId") + " (" + reply.getString("name") + ")");
  }
}
