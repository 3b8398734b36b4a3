package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import picocli.CommandLine.Command;

/** {@code bastion ctl clients disable CLIENT_ID}: the client gets no new tokens (issued ones expire on their own). */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop issuing tokens to a client.")
final class CtlClientsDisableCommand extends CtlClientActionCommand {

  @Override
  String address() {
    return ClientAddresses.DISABLE;
  }

  @Override
  String done() {
    return "disabled";
  }
}
