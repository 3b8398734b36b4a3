package io.bastion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bastion ctl waf ...}: the web application firewall (roles security-officer and admin). */
@Command(name = "waf", mixinStandardHelpOptions = true, description = "Operate the web application firewall.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {CtlWafStatusCommand.class, CtlWafReloadCommand.class,
        CtlWafModeCommand.class, CtlWafDisableRuleCommand.class})
final class CtlWafCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: which operation? (e.g. bastion ctl waf status)");
  }
}
