package io.bastion.cli;

import io.bastion.fhir.FhirAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code bastion ctl phi status}: which elements are sealed, the keys, and the last re-encryption job. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the sealed elements, the PHI data keys and the re-encryption job.")
final class CtlPhiStatusCommand extends CtlSubcommand {

  @Override
  String address() {
    return FhirAddresses.PHI_STATUS;
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("sealed elements: " + String.join(", ", reply.getJsonArray("elements").getList()));
    out.println("active data key: " + reply.getString("activeKey"));
    for (Object item : reply.getJsonArray("keys")) {
      JsonObject key = (JsonObject) item;
      out.printf(Locale.ROOT, "  %-14s %-5s created %s%s%n", key.getString("id"), key.getString("purpose"),
          key.getString("created"), key.getString("retired") == null ? "" : ", retired " + key.getString("retired"));
    }
    CtlPhiRotateCommand.renderJob(reply.getJsonObject("reencryption"), out);
  }
}
