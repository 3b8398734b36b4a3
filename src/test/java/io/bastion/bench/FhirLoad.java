package io.bastion.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load driver for a running node's FHIR API: for each scenario, {@code --concurrency} keep-alive connections,
 * each with exactly one request outstanding (a closed loop), a warm-up, then a measured window; prints
 * req/s, p50, p99 and max latency and failures by status. Works against any node holding Patients with
 * Observations (e.g. after {@code bastion ctl seed}); bench/fhir-load.sh starts, seeds and measures one.
 *
 * <pre>java -cp … io.bastion.bench.FhirLoad --url http://127.0.0.1:8080/fhir --scenarios read,create</pre>
 */
@Command(name = "fhir-load", mixinStandardHelpOptions = true,
    description = "Closed-loop load on a running node's FHIR API; prints req/s and latency per scenario.")
public final class FhirLoad implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/fhir", description = "FHIR base URL (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--scenarios", split = ",", defaultValue = "read,search-patient,search-observation,create,transaction",
      description = "Comma-separated, run in this order (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--concurrency", defaultValue = "32", description = "Connections, one request in flight each (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "10", description = "Seconds of unmeasured load per scenario (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--duration", defaultValue = "30", description = "Measured seconds per scenario (default: ${DEFAULT-VALUE}).")
  int duration;

  @Option(names = "--sample", defaultValue = "2000", description = "Patients to sample ids and search values from (default: ${DEFAULT-VALUE}).")
  int sampleSize;

  @Option(names = "--header", paramLabel = "'Name: value'", description = "Extra request header (repeatable), e.g. an Authorization bearer token.")
  List<String> headers = List.of();

  @Option(names = "--event-loops", defaultValue = "1", description = "Driver event loops (default: ${DEFAULT-VALUE}: leaves the cores to the node).")
  int eventLoops;

  @Option(names = "--seed", defaultValue = "20261204", description = "Random seed of sampling and synthetic bodies.")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FhirLoad()).execute(args));
  }

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    try {
      HttpClient client = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true))
          .with(new PoolOptions().setHttp1MaxSize(concurrency))
          .build();
      RequestOptions base = baseRequest();
      LoadSample sample = new LoadSample(vertx, client, base).take(sampleSize, seed);
      System.out.printf("sampled %d patients and %d observations from %s%n", sample.patients.size(),
          sample.observations.size(), url);
      checkSearchesMatch(sample);
      System.out.println(LoadResult.HEADER);
      boolean failures = false;
      for (String scenario : scenarios) {
        Supplier<LoadRequest> requests = LoadScenarios.named(scenario, sample, seed);
        LoadResult result = new LoadRun(vertx, client, base, requests).run(scenario, concurrency, warmup, duration).await();
        System.out.println(result.row());
        failures |= !result.errors().isEmpty();
      }
      for (String scenario : scenarios) {
        System.out.printf("  %-20s %s%n", scenario, LoadScenarios.description().get(scenario));
      }
      return failures ? 1 : 0;
    } finally {
      vertx.close().await();
    }
  }

  /** Fails early when the sampled values would make searches return nothing (then the figures mean little). */
  private void checkSearchesMatch(LoadSample sample) {
    for (String scenario : List.of("search-patient", "search-observation")) {
      if (!scenarios.contains(scenario)) {
        continue;
      }
      Supplier<LoadRequest> requests = LoadScenarios.named(scenario, sample, seed);
      int matched = 0;
      for (int i = 0; i < 20; i++) {
        JsonObject bundle = sample.get(requests.get().path());
        matched += bundle.getJsonArray("entry") == null ? 0 : 1;
      }
      if (matched < 20) {
        throw new IllegalStateException(scenario + ": only " + matched + " of 20 sampled searches matched anything");
      }
    }
  }

  private RequestOptions baseRequest() {
    int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    RequestOptions base = new RequestOptions().setHost(url.getHost()).setPort(port)
        .setSsl("https".equals(url.getScheme())).setURI(url.getRawPath().replaceAll("/$", ""))
        .setMethod(HttpMethod.GET)
        // a request whose connection goes quiet fails (and is counted) instead of hanging the run: once, at
        // 01:07 on 2026-12-05, a sampling GET waited 14 minutes (a request the client itself lost: OnEventLoop)
        .setIdleTimeout(30_000)
        .putHeader("Accept", "application/fhir+json").putHeader("Content-Type", "application/fhir+json");
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--header needs 'Name: value', got " + header);
      }
      base.putHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    return base;
  }
}
