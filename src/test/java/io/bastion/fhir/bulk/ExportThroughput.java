package io.bastion.fhir.bulk;

import io.bastion.Node;
import io.bastion.fhir.FhirAddresses;
import io.bastion.testsupport.OnEventLoop;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: the measurement behind bench/export-throughput/run.sh. A real node on a fresh database, seeded
 * with {@code patients} synthetic patients (seed 1); then one system-level $export, timed from kick-off to the
 * 200 manifest (polled every 100 ms), with the resources, files and bytes it wrote. Arguments: patients
 * fetchSize.
 */
public final class ExportThroughput {

  private ExportThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int patients = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    String fetchSize = args.length > 1 ? args[1] : "500";
    Node node = Node.start(TestNode.config(Map.of("postgres.url", TestStores.newDatabase(), "log.access-log", "false",
        "fhir.export.fetch-size", fetchSize))).toCompletionStage().toCompletableFuture().get();
    JsonObject seeded = node.vertx().eventBus().<JsonObject>request(FhirAddresses.SEED,
        new JsonObject().put("patients", patients).put("seed", 1), new DeliveryOptions().setSendTimeout(3_600_000))
        .await().body();
    WebClient client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(node.httpPort()));
    OnEventLoop loop = new OnEventLoop(node.vertx());
    long start = System.nanoTime();
    var kickOff = loop.await(() -> client.get("/fhir/$export").putHeader("Prefer", "respond-async").send(), 60);
    String status = kickOff.getHeader("Content-Location");
    if (kickOff.statusCode() != 202 || status == null) {
      throw new IllegalStateException("kick-off answered " + kickOff.statusCode() + ": " + kickOff.bodyAsString());
    }
    String path = status.substring(status.indexOf("/fhir/"));
    JsonObject manifest;
    while (true) {
      var poll = loop.await(() -> client.get(path).send(), 60);
      if (poll.statusCode() == 200) {
        manifest = poll.bodyAsJsonObject();
        break;
      }
      if (poll.statusCode() != 202) {
        throw new IllegalStateException("status answered " + poll.statusCode() + ": " + poll.bodyAsString());
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long resources = manifest.getJsonArray("output").stream().mapToLong(o -> ((JsonObject) o).getLong("count")).sum();
    Path dir = node.config().export().dir().resolve(path.substring(path.lastIndexOf('/') + 1));
    long bytes;
    try (var files = Files.list(dir)) {
      bytes = files.mapToLong(f -> f.toFile().length()).sum();
    }
    System.out.printf("export throughput: %d resources (%d seeded for %d patients) in %d files, %.1f MB, %.2f s: "
            + "%.0f resources/s, %.1f MB/s (fetch size %s)%n", resources, seeded.getLong("resources"), patients,
        manifest.getJsonArray("output").size(), bytes / 1e6, seconds, resources / seconds, bytes / 1e6 / seconds,
        fetchSize);
    client.close();
    node.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.exit(0);
  }
}
