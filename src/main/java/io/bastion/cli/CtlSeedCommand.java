package io.bastion.cli;

import io.bastion.fhir.FhirAddresses;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bastion ctl seed --patients N [--seed S]}: the node writes N synthetic patients with their
 * encounters, observations, conditions, medication requests, allergies and immunizations (deterministic for
 * a seed), and the command prints what was written once it is committed. Large runs take minutes: without
 * {@code --timeout} the command waits a minute plus a second per 20 patients (runs measure about 1 s per 100-250
 * patients on a 2-core machine). Admin tokens only.
 */
@Command(name = "seed", mixinStandardHelpOptions = true,
    description = "Write synthetic FHIR patients (with encounters, observations, ...) for demos and benchmarks.")
final class CtlSeedCommand extends CtlSubcommand {

  @Option(names = "--patients", required = true, paramLabel = "N", description = "How many patients (1 to 1,000,000).")
  int patients;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "Random seed: the same seed gives the same data, ids included (default: ${DEFAULT-VALUE}).")
  long seed;

  /** Without --timeout, a timeout that fits the run: a minute plus one second per 20 patients. */
  @Override
  void prepare() {
    if (patients < 1 || patients > 1_000_000) {
      throw new ParameterException(spec.commandLine(), "--patients must be between 1 and 1000000");
    }
    if (!spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
      ctl.timeoutSeconds = 60 + patients / 20;
    }
  }

  @Override
  String address() {
    return FhirAddresses.SEED;
  }

  @Override
  JsonObject body() {
    return new JsonObject().put("patients", patients).put("seed", seed);
  }

  @Override
  void render(JsonObject reply, PrintWriter out) {
    long resources = reply.getLong("resources", 0L);
    long millis = Math.max(1, reply.getLong("millis", 0L));
    out.printf(Locale.ROOT, "seeded %d patients (seed %d): %d resources in %.1f s (%.0f resources/s)%n",
        reply.getLong("patients", 0L), reply.getLong("seed", 0L), resources, millis / 1000.0, resources * 1000.0 / millis);
  }
}
