package io.bastion.cli;

import io.bastion.fhir.FhirAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code bastion ctl phi rotate}: a new active data key; the node then re-encrypts everything under it. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = "Make a new PHI data key active and re-encrypt stored resources under it in the background.")
final class CtlPhiRotateCommand extends CtlSubcommand {

  @Override
  String address() {
    return FhirAddresses.PHI_ROTATE;
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("active data key: " + reply.getString("activeKey") + " (was " + reply.getString("previousKey") + ")");
    renderJob(reply.getJsonObject("reencryption"), out);
  }

  static void renderJob(JsonObject job, PrintWriter out) {
    if (job == null || "never-run".equals(job.getString("state"))) {
      out.println("re-encryption: never run");
      return;
    }
    out.printf(Locale.ROOT, "re-encryption: %s (started %s%s), %d rows scanned, %d re-encrypted%s%n",
        job.getString("state"), job.getString("started"),
        job.getString("finished") == null ? "" : ", finished " + job.getString("finished"),
        job.getLong("scanned", 0L), job.getLong("rewritten", 0L),
        job.getString("error") == null ? "" : ": " + job.getString("error"));
  }
}
