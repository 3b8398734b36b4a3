package io.bastion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bastion ctl ...}: operations over the node's TCP event-bus bridge, authenticated by a ctl token
 * (the bootstrap ctl.token, or a role-scoped, expiring token created in the dashboard). Each subcommand is one {@link CtlSubcommand}; they share {@link CtlOptions}.
 *
 * <p>Exit codes: 0 done; 1 the node answered with a failure; 2 usage error or no token; 3 no node
 * reachable; 4 the node refused the token (or its role may not run this command); 5 no reply within --timeout;
 * 6 {@code audit verify} found the audit chain tampered with.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, description = "Operate a running node.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {CtlStatusCommand.class, CtlAuditCommand.class,
        CtlSeedCommand.class, CtlPhiCommand.class, CtlWafCommand.class, CtlClientsCommand.class})
public final class CtlCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_NO_TOKEN = 2;
  static final int EXIT_UNREACHABLE = 3;
  static final int EXIT_TOKEN_REFUSED = 4;
  static final int EXIT_TIMEOUT = 5;
  /** The command ran and found a problem: {@code audit verify} found the chain tampered with. */
  static final int EXIT_TAMPERED = 6;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: which operation? (e.g. bastion ctl status)");
  }
}
