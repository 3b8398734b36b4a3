package io.bastion.cli;

import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Where and how every {@code bastion ctl} subcommand reaches a node; mixed into each subcommand. */
public final class CtlOptions {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Node's ctl bridge host (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "7071", description = "Node's ctl bridge port, ctl.port (default: ${DEFAULT-VALUE}).")
  int port;

  // The default comes from the environment and is never shown: help output must not print a secret.
  @Option(names = "--token", defaultValue = "${env:BASTION_CTL_TOKEN}", showDefaultValue = Visibility.NEVER,
      description = "The node's ctl.token (default: the BASTION_CTL_TOKEN environment variable).")
  String token;

  @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
      description = "Give up after this many seconds, to connect and again to get the reply (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print the node's raw JSON reply.")
  boolean json;

  String where() {
    return host + ":" + port;
  }

  boolean hasToken() {
    return token != null && !token.isBlank();
  }
}
