package io.bastion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bastion ctl audit ...}: the tamper-evident audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Operate the audit trail.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {CtlAuditVerifyCommand.class})
final class CtlAuditCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: which operation? (e.g. bastion ctl audit verify)");
  }
}
