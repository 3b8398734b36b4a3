package io.bastion.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One request/reply over the ctl bridge: connect, send {@link #body()} to {@link #address()}, render the
 * reply. A new subcommand is one small subclass. Every failure is one line on stderr and an exit code
 * from {@link CtlCommand}.
 */
abstract class CtlSubcommand implements Callable<Integer> {

  @Mixin
  CtlOptions ctl;

  @Spec
  CommandSpec spec;

  /** The event-bus address the request goes to (a constant from the capability's addresses class). */
  abstract String address();

  /** The request body; empty by default. */
  JsonObject body() {
    return new JsonObject();
  }

  /** Prints the reply for a person; {@code --json} prints it raw instead. */
  abstract void render(JsonObject reply, PrintWriter out);

  /** The exit code for a reply the node sent: {@link CtlCommand#EXIT_OK} unless the reply reports a finding. */
  int exitCode(JsonObject reply) {
    return CtlCommand.EXIT_OK;
  }

  /** Called before anything is sent: a subcommand may adjust its options (defaults that depend on others). */
  void prepare() {
  }

  @Override
  public final Integer call() {
    prepare();
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!ctl.hasToken()) {
      err.println("bastion ctl: no token: set BASTION_CTL_TOKEN or pass --token");
      err.flush();
      return CtlCommand.EXIT_NO_TOKEN;
    }
    Duration timeout = Duration.ofSeconds(ctl.timeoutSeconds);
    BridgeClient client = BridgeClient.create(ctl.token);
    try {
      client.connect(ctl.host, ctl.port, timeout).await();
      JsonObject reply = client.request(address(), body(), timeout).await();
      if (ctl.json) {
        out.println(reply.encodePrettily());
      } else {
        render(reply, out);
      }
      out.flush();
      return exitCode(reply);
    } catch (BridgeException e) {
      err.println("bastion ctl: " + describe(e));
      err.flush();
      return exitCode(e.kind());
    } finally {
      client.close().await();
    }
  }

  private void validate() {
    if (ctl.port < 1 || ctl.port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be between 1 and 65535");
    }
    if (ctl.timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
  }

  private String describe(BridgeException e) {
    return switch (e.kind()) {
      case UNREACHABLE -> "cannot reach a Bastion node at " + ctl.where() + " (" + e.getMessage() + ")";
      case TOKEN_REFUSED -> "the node refused the token";
      case ROLE_REFUSED -> "the node refused: " + e.getMessage();
      case TIMEOUT -> "no reply from the node at " + ctl.where() + " within " + ctl.timeoutSeconds + " s";
      case ADDRESS_REFUSED, REPLY_FAILED, BROKEN -> e.getMessage();
    };
  }

  private static int exitCode(BridgeException.Kind kind) {
    return switch (kind) {
      case UNREACHABLE -> CtlCommand.EXIT_UNREACHABLE;
      case TOKEN_REFUSED, ROLE_REFUSED -> CtlCommand.EXIT_TOKEN_REFUSED;
      case TIMEOUT -> CtlCommand.EXIT_TIMEOUT;
      case ADDRESS_REFUSED, REPLY_FAILED, BROKEN -> CtlCommand.EXIT_FAILED;
    };
  }
}
