package io.bastion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bastion ctl phi ...}: the keys that encrypt PHI at rest. */
@Command(name = "phi", mixinStandardHelpOptions = true, description = "Operate PHI encryption at rest.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {CtlPhiStatusCommand.class, CtlPhiRotateCommand.class})
final class CtlPhiCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: which operation? (e.g. bastion ctl phi status)");
  }
}
