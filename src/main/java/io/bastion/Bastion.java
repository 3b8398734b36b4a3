package io.bastion;

import io.bastion.cli.CtlCommand;
import io.bastion.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the jar: {@code bastion serve | ctl | version}. */
@Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = Bastion.Version.class,
    description = "Self-hosted FHIR R4 API platform.",
    subcommands = {ServeCommand.class, CtlCommand.class, Bastion.VersionCommand.class})
public final class Bastion implements Runnable {

  public static void main(String[] args) {
    // Vert.x logs through SLF4J (logback, JSON lines) like the rest of Bastion.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new Bastion()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code bastion version}. */
  @Command(name = "version", description = "Print the version and exit.")
  static final class VersionCommand implements Runnable {
    @Override
    public void run() {
      System.out.println("bastion " + NodeInfo.versionFromManifest());
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"bastion " + NodeInfo.versionFromManifest()};
    }
  }
}
