package io.bastion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bastion ctl clients ...}: the token endpoint's backend-service clients (admin tokens only). */
@Command(name = "clients", mixinStandardHelpOptions = true, description = "Manage the token endpoint's API clients.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {CtlClientsListCommand.class, CtlClientsAddCommand.class,
        CtlClientsDisableCommand.class, CtlClientsRemoveCommand.class})
final class CtlClientsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: which operation? (e.g. bastion ctl clients list)");
  }
}
