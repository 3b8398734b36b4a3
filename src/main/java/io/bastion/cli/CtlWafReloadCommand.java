package io.bastion.cli;

import io.bastion.security.SecurityAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code bastion ctl waf reload}: re-reads waf.rules and swaps the compiled set in. When a file is broken
 * the node keeps the running set and the command fails (exit 1), printing every problem as file:line.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = "Re-read and compile waf.rules; on errors the running rules stay and every error is listed.")
final class CtlWafReloadCommand extends CtlSubcommand {

  @Override
  String address() {
    return SecurityAddresses.RULES_RELOAD;
  }

  @Override
  void prepare() {
    if (!spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
      ctl.timeoutSeconds = 60; // compiling the CRS takes seconds on a busy node
    }
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.printf(Locale.ROOT, "reloaded: %d rules in %d ms (%d warnings in the node's log)%n", reply.getInteger("ruleCount"),
        reply.getLong("millis", 0L), reply.getInteger("warnings", 0));
  }
}
