package io.bastion.cli;

import io.bastion.security.SecurityAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion ctl waf disable-rule ID [--enable]}: switches one rule off at runtime (or back on); the
 * setting survives reloads and mode switches until the node restarts, and is audited.
 */
@Command(name = "disable-rule", mixinStandardHelpOptions = true,
    description = "Disable a WAF rule by id at runtime, or re-enable it with --enable (audited).")
final class CtlWafDisableRuleCommand extends CtlSubcommand {

  @Parameters(index = "0", paramLabel = "ID", description = "the rule id, e.g. 942100")
  int id;

  @Option(names = "--enable", description = "re-enable the rule instead")
  boolean enable;

  @Override
  String address() {
    return SecurityAddresses.RULES_DISABLE;
  }

  @Override
  JsonObject body() {
    return new JsonObject().put("id", id).put("disabled", !enable);
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    JsonArray disabled = reply.getJsonArray("disabledRules", new JsonArray());
    out.println("rule " + reply.getInteger("id") + (reply.getBoolean("disabled") ? " disabled" : " enabled")
        + "; disabled now: " + (disabled.isEmpty() ? "none" : disabled.encode()));
  }
}
