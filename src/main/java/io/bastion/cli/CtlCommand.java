package io.bastion.cli;

import picocli.CommandLine.Command;

/** {@code bastion ctl ...}: operations over the node's TCP event-bus bridge. */
@Command(name = "ctl", mixinStandardHelpOptions = true, description = "Operate a running node.")
public final class CtlCommand {
}
