package io.bastion.cli;

import io.bastion.audit.AuditAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code bastion ctl audit verify}: verifies the hash chain and the signed checkpoints on the node. Exit 0
 * when intact, {@link CtlCommand#EXIT_TAMPERED} (6) naming the first bad sequence and the kind of tampering.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify the audit hash chain and its signed checkpoints; exit 6 when tampering is found.")
final class CtlAuditVerifyCommand extends CtlSubcommand {

  @Override
  String address() {
    return AuditAddresses.VERIFY;
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    if (reply.getBoolean("ok", false)) {
      out.printf(Locale.ROOT, "ok: %d records, %d checkpoints verified%n", reply.getLong("records", 0L),
          reply.getLong("checkpoints", 0L));
    } else {
      out.printf(Locale.ROOT, "TAMPERED: first bad sequence %s, kind %s%n", reply.getValue("firstBadSequence"),
          reply.getString("kind"));
      out.printf(Locale.ROOT, "  %d records and %d checkpoints verified before it%n", reply.getLong("records", 0L),
          reply.getLong("checkpoints", 0L));
      if (reply.getString("problem") != null) {
        out.println("  " + reply.getString("problem"));
      }
    }
  }

  @Override
  int exitCode(JsonObject reply) {
    return reply.getBoolean("ok", false) ? CtlCommand.EXIT_OK : CtlCommand.EXIT_TAMPERED;
  }
}
