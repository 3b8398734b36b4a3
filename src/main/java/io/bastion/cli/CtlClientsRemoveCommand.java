package io.bastion.cli;

import io.bastion.auth.server.ClientAddresses;
import picocli.CommandLine.Command;

/** {@code bastion ctl clients remove CLIENT_ID}: deletes the client's registration (the audit trail keeps its history). */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a client's registration.")
final class CtlClientsRemoveCommand extends CtlClientActionCommand {

  @Override
  String address() {
    return ClientAddresses.REMOVE;
  }

  @Override
  String done() {
    return "removed";
  }
}
