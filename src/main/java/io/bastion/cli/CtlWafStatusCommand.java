package io.bastion.cli;

import io.bastion.security.SecurityAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code bastion ctl waf status}: mode, rule count, files, when loaded, disabled rules, the last reload,
 * blocks in the last minute and hour, and the rules and tags that fired most in that hour.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the WAF's mode, rules, disabled rules and recent blocks.")
final class CtlWafStatusCommand extends CtlSubcommand {

  @Override
  String address() {
    return SecurityAddresses.STATUS;
  }

  @Override
  void render(JsonObject status, PrintWriter out) {
    JsonObject waf = status.getJsonObject("waf", new JsonObject());
    JsonObject activity = status.getJsonObject("activity", new JsonObject());
    line(out, "mode", waf.getString("mode"));
    if (!waf.getBoolean("enabled", false)) {
      line(out, "rules", "none (waf.rules is empty)");
      return;
    }
    line(out, "rules", waf.getInteger("ruleCount") + ", loaded " + waf.getString("loadedAt"));
    for (Object file : waf.getJsonArray("files", new JsonArray())) {
      out.println("  " + file);
    }
    JsonArray disabled = waf.getJsonArray("disabledRules", new JsonArray());
    line(out, "disabled", disabled.isEmpty() ? "none" : join(disabled));
    JsonObject reload = waf.getJsonObject("lastReload");
    if (reload != null) {
      line(out, "last reload", reload.getString("at") + (reload.getBoolean("ok", false) ? " ok"
          : " FAILED (" + reload.getJsonArray("errors", new JsonArray()).size() + " problems; the running set stayed)"));
    }
    line(out, "blocks", activity.getInteger("blocksLastMinute", 0) + " in the last minute, "
        + activity.getInteger("blocksLastHour", 0) + " in the last hour ("
        + activity.getInteger("detectionsLastHour", 0) + " detections without a block)");
    line(out, "top rules", counts(activity.getJsonArray("topRules", new JsonArray()), "id"));
    line(out, "top tags", counts(activity.getJsonArray("topTags", new JsonArray()), "tag"));
  }

  private static String counts(JsonArray entries, String key) {
    List<String> parts = new ArrayList<>();
    for (Object e : entries) {
      JsonObject entry = (JsonObject) e;
      parts.add(entry.getValue(key) + " (" + entry.getInteger("count") + ")");
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String join(JsonArray values) {
    List<String> parts = new ArrayList<>();
    values.forEach(v -> parts.add(String.valueOf(v)));
    return String.join(", ", parts);
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-13s%s%n", label, value);
  }
}
