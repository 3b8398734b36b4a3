package io.bastion.cli;

import io.bastion.security.SecurityAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bastion ctl waf mode off|detection-only|on}: switches the mode at once, until the next restart. */
@Command(name = "mode", mixinStandardHelpOptions = true,
    description = "Switch the WAF to off, detection-only or on (until the node restarts; audited).")
final class CtlWafModeCommand extends CtlSubcommand {

  enum Mode {
    off, on, detection_only;

    String wire() {
      return name().replace('_', '-');
    }
  }

  @Parameters(index = "0", paramLabel = "MODE", description = "off, detection-only or on",
      converter = ModeConverter.class)
  Mode mode;

  static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      for (Mode m : Mode.values()) {
        if (m.wire().equals(value)) {
          return m;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of off, detection-only, on");
    }
  }

  @Override
  String address() {
    return SecurityAddresses.WAF_MODE;
  }

  @Override
  JsonObject body() {
    return new JsonObject().put("mode", mode.wire());
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    out.println("mode: " + reply.getString("mode") + " (was " + reply.getString("previous") + ")");
  }
}
