package io.bastion.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compose stack, as files: docker-compose.yml and the Prometheus, Grafana and OTel-collector files it
 * mounts, checked for the structure and the cross-references that `docker compose up` cannot check until
 * it is too late (a dashboard over a datasource uid that is not provisioned, a scrape target on a port the
 * collector does not export on, a dependency without a healthcheck).
 */
class ComposeFileTest {

  private static final Set<String> SERVICES =
      Set.of("bastion", "postgres", "redis", "prometheus", "grafana", "otel-collector");

  private static Path root;
  private static JsonNode services;
  private static JsonNode compose;

  @BeforeAll
  static void parseCompose() throws IOException {
    root = ProjectFiles.root();
    compose = ProjectFiles.yaml(root.resolve("docker-compose.yml"));
    services = compose.path("services");
    assertTrue(services.isObject(), "docker-compose.yml has no services map");
  }

  @Test
  void declaresTheSixServices() {
    assertEquals(SERVICES, fieldNames(services));
  }

  @Test
  void bastionIsBuiltFromTheRepositoryAndPublishes8080() {
    JsonNode build = service("bastion").path("build");
    String context = build.isTextual() ? build.asText() : build.path("context").asText(null);
    assertEquals(".", context, "bastion must build from the repository root");
    ProjectFiles.existing(root.resolve(build.path("dockerfile").asText("Dockerfile")));
    assertTrue(publishedPorts(service("bastion")).contains("8080->8080"),
        () -> "bastion must publish 8080:8080, publishes " + publishedPorts(service("bastion")));
  }

  @Test
  void bastionWaitsForHealthyPostgresAndRedis() {
    Map<String, String> deps = dependsOn(service("bastion"));
    assertEquals("service_healthy", deps.get("postgres"), "bastion depends_on postgres");
    assertEquals("service_healthy", deps.get("redis"), "bastion depends_on redis");
  }

  @Test
  void bastionHealthcheckProbesAHealthEndpoint() {
    String test = healthcheck(service("bastion"));
    assertTrue(test.contains("/health/") && test.contains(":8080"), () -> "bastion healthcheck: " + test);
  }

  @Test
  void everyServiceOthersDependOnHasAHealthcheck() {
    Map<String, String> problems = new LinkedHashMap<>();
    forEachService((name, svc) -> dependsOn(svc).forEach((dep, condition) -> {
      if (!services.has(dep)) {
        problems.put(name + " -> " + dep, "no such service");
      } else if (healthcheck(services.get(dep)).isEmpty()) {
        problems.put(name + " -> " + dep, "dependency has no healthcheck");
      }
    }));
    assertTrue(problems.isEmpty(), () -> "depends_on problems: " + problems);
  }

  @Test
  void bastionReachesPostgresAndRedisByServiceName() {
    Map<String, String> env = environment(service("bastion"));
    Map<String, String> pg = environment(service("postgres"));
    URI postgres = uri(env.get("BASTION_POSTGRES_URL"));
    assertEquals("postgresql", postgres.getScheme());
    assertEquals("postgres:5432", postgres.getHost() + ":" + postgres.getPort());
    assertEquals(pg.get("POSTGRES_USER"), postgres.getUserInfo().split(":")[0], "database user");
    assertEquals("/" + pg.get("POSTGRES_DB"), postgres.getPath(), "database name");

    URI redis = uri(env.get("BASTION_REDIS_URL"));
    assertEquals("redis://redis:6379", redis.getScheme() + "://" + redis.getHost() + ":" + redis.getPort());

    assertTrue(env.containsKey("BASTION_ADMIN_PASSWORD"), "admin password must be passed to the node");
    assertEquals(env.get("BASTION_NODE_DATA_DIR"),
        mounts(service("bastion")).stream().filter(m -> isNamedVolume(m.source())).map(Mount::target)
            .findFirst().orElse(null),
        "the data volume must be mounted where the node writes its data");
  }

  @Test
  void namedVolumesAreDeclaredAndUsedAndBindMountsExist() {
    Set<String> used = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    forEachService((name, svc) -> mounts(svc).forEach(m -> {
      if (isNamedVolume(m.source())) {
        used.add(m.source());
      } else if (!Files.exists(root.resolve(m.source()).normalize())) {
        missing.add(name + ": " + m.source());
      }
    }));
    assertEquals(new TreeSet<>(fieldNames(compose.path("volumes"))), used,
        "top-level volumes must be exactly the named volumes the services mount");
    assertTrue(missing.isEmpty(), () -> "bind mounts of files not in the repository: " + missing);
  }

  @Test
  void prometheusScrapesBastionMetricsAndTheCollector() throws IOException {
    JsonNode prometheus = service("prometheus");
    String configPath = flag(prometheus, "--config.file", "/etc/prometheus/prometheus.yml");
    JsonNode config = ProjectFiles.yaml(hostFileMountedAt(prometheus, configPath));
    JsonNode scrapes = config.path("scrape_configs");
    assertTrue(scrapes.isArray() && scrapes.size() > 0, "prometheus.yml has no scrape_configs");

    JsonNode bastionJob = scrapeJobFor(scrapes, "bastion:8080");
    assertNotNull(bastionJob, "no scrape job targets bastion:8080");
    assertEquals("/metrics", bastionJob.path("metrics_path").asText("/metrics"));

    String collectorTarget = "otel-collector:" + port(collectorConfig().at("/exporters/prometheus/endpoint").asText());
    assertNotNull(scrapeJobFor(scrapes, collectorTarget),
        "no scrape job targets the collector's prometheus exporter at " + collectorTarget);
  }

  @Test
  void grafanaProvisionsThePrometheusDatasourceAndTheDashboardsFolder() throws IOException {
    JsonNode datasource = provisionedDatasources().stream()
        .filter(ds -> "prometheus".equals(ds.path("type").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no prometheus datasource provisioned"));
    assertEquals("http://prometheus:" + containerPort(service("prometheus")), datasource.path("url").asText());

    Path dashboards = dashboardsDirectory();
    ProjectFiles.existing(dashboards.resolve("bastion-overview.json"));
  }

  @Test
  void dashboardPanelsQueryMetricsThroughTheProvisionedDatasource() throws IOException {
    JsonNode dashboard = ProjectFiles.json(dashboardsDirectory().resolve("bastion-overview.json"));
    Set<String> uids = provisionedDatasources().stream().map(ds -> ds.path("uid").asText())
        .collect(Collectors.toSet());
    List<JsonNode> panels = new ArrayList<>();
    collectPanels(dashboard.path("panels"), panels);
    assertFalse(panels.isEmpty(), "dashboard has no panels");

    List<String> problems = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    StringBuilder allExprs = new StringBuilder();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText("#" + panel.path("id"));
      if (!ids.add(panel.path("id").asInt(-1))) {
        problems.add(title + ": missing or duplicate id");
      }
      JsonNode targets = panel.path("targets");
      if (!targets.isArray() || targets.isEmpty()) {
        problems.add(title + ": no targets");
      }
      for (JsonNode target : targets) {
        String expr = target.path("expr").asText("").trim();
        if (expr.isEmpty()) {
          problems.add(title + " " + target.path("refId").asText() + ": empty expr");
        } else if (!balanced(expr)) {
          problems.add(title + ": unbalanced brackets in " + expr);
        }
        allExprs.append(expr).append('\n');
        String uid = target.path("datasource").path("uid").asText(panel.path("datasource").path("uid").asText());
        if (!uids.contains(uid)) {
          problems.add(title + ": datasource uid '" + uid + "' is not provisioned " + uids);
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));

    String exprs = allExprs.toString();
    for (String needle : List.of("rate(vertx_http_server_requests_total", "sum by (route)",
        "histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,",
        "vertx_http_server_response_time_seconds_bucket", "code=~\"5..\"", "vertx_pool_in_use",
        "jvm_memory_used_bytes", "area=\"heap\"", "vertx_eventbus_")) {
      assertTrue(exprs.contains(needle), () -> "no dashboard query uses " + needle);
    }
  }

  @Test
  void collectorReceivesOtlpAndExportsMetricsToPrometheusAndTracesToDebug() throws IOException {
    JsonNode config = collectorConfig();
    JsonNode protocols = config.at("/receivers/otlp/protocols");
    assertEquals("4317", port(protocols.at("/grpc/endpoint").asText()), "OTLP gRPC receiver port");
    assertEquals("4318", port(protocols.at("/http/endpoint").asText()), "OTLP HTTP receiver port");
    Set<String> published = publishedPorts(service("otel-collector"));
    assertTrue(published.containsAll(Set.of("4317->4317", "4318->4318")), () -> "collector publishes " + published);

    JsonNode pipelines = config.at("/service/pipelines");
    assertTrue(pipelineWith(pipelines, "metrics", "otlp", "prometheus"),
        "no metrics pipeline from the otlp receiver to the prometheus exporter");
    assertTrue(pipelineWith(pipelines, "traces", "otlp", "debug"),
        "no traces pipeline from the otlp receiver to the debug exporter");

    List<String> undefined = new ArrayList<>();
    pipelines.fields().forEachRemaining(p -> {
      for (String kind : List.of("receivers", "processors", "exporters")) {
        p.getValue().path(kind).forEach(c -> {
          if (!config.path(kind).has(c.asText())) {
            undefined.add(p.getKey() + "." + kind + ": " + c.asText());
          }
        });
      }
    });
    assertTrue(undefined.isEmpty(), () -> "pipelines reference undefined components: " + undefined);

    assertTrue(texts(config.at("/service/extensions")).contains("health_check"), "health_check not enabled");
    assertEquals("13133", port(config.at("/extensions/health_check/endpoint").asText()));
  }

  @Test
  void imagesArePinnedToATag() throws IOException {
    List<String> unpinned = new ArrayList<>();
    forEachService((name, svc) -> {
      if (svc.has("image") ? !isPinned(svc.get("image").asText()) : !svc.has("build")) {
        unpinned.add(name + ": " + svc.path("image").asText("(no image, no build)"));
      }
    });
    Set<String> stages = new HashSet<>();
    for (String line : Files.readAllLines(ProjectFiles.existing(root.resolve("Dockerfile")))) {
      Matcher from = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?").matcher(line.trim());
      if (from.find()) {
        if (!stages.contains(from.group(1)) && !isPinned(from.group(1))) {
          unpinned.add("Dockerfile: " + from.group(1));
        }
        if (from.group(2) != null) {
          stages.add(from.group(2));
        }
      }
    }
    assertTrue(unpinned.isEmpty(), () -> "images without a pinned tag: " + unpinned);
  }

  @Test
  void dockerfileBuildsTheJarAndRunsItAsNonRootWithAHealthcheck() throws IOException {
    String dockerfile = Files.readString(ProjectFiles.existing(root.resolve("Dockerfile")));
    String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    assertTrue(dockerfile.indexOf("\nFROM ") != dockerfile.lastIndexOf("\nFROM "), "Dockerfile is not multi-stage");
    assertTrue(dockerfile.matches("(?s).*RUN [^\\n]*mvn [^\\n]*-DskipTests[^\\n]* package.*"),
        "the build stage must run mvn -DskipTests package");
    assertTrue(runtime.contains("target/bastion.jar /opt/bastion/bastion.jar"), "runtime must copy target/bastion.jar");
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(runtime);
    assertTrue(user.find(), "runtime stage sets no USER");
    assertFalse(user.group(1).matches("(root|0)(:.*)?"), "runtime runs as root");
    assertTrue(runtime.matches("(?s).*\\nEXPOSE 8080\\b.*"), "EXPOSE 8080");
    assertTrue(runtime.matches("(?s).*\\nHEALTHCHECK [^\\n]*(\\\\\\n[^\\n]*)*/health/live.*"),
        "HEALTHCHECK must probe /health/live");
    assertTrue(runtime.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/bastion/bastion.jar\"]"), "ENTRYPOINT");
    assertTrue(runtime.contains("CMD [\"serve\"]"), "CMD serve");

    List<String> ignore = Files.readAllLines(ProjectFiles.existing(root.resolve(".dockerignore"))).stream()
        .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (String needed : List.of("pom.xml", "src/main/")) {
      assertFalse(ignore.contains(needed) || ignore.contains(needed.replaceAll("/$", "")) || ignore.contains("src"),
          ".dockerignore excludes " + needed);
      if (ignore.contains("*")) {
        assertTrue(ignore.contains("!" + needed), ".dockerignore excludes everything but does not re-include " + needed);
      }
    }
  }

  // --- compose helpers -------------------------------------------------------------------------------

  private record Mount(String source, String target) {
  }

  private static JsonNode service(String name) {
    JsonNode svc = services.get(name);
    assertNotNull(svc, "no service " + name);
    return svc;
  }

  private interface ServiceVisitor {
    void visit(String name, JsonNode service);
  }

  private static void forEachService(ServiceVisitor visitor) {
    services.fields().forEachRemaining(e -> visitor.visit(e.getKey(), e.getValue()));
  }

  private static Map<String, String> dependsOn(JsonNode svc) {
    Map<String, String> deps = new LinkedHashMap<>();
    JsonNode node = svc.path("depends_on");
    if (node.isArray()) {
      node.forEach(d -> deps.put(d.asText(), "service_started"));
    } else {
      node.fields().forEachRemaining(d -> deps.put(d.getKey(), d.getValue().path("condition").asText("service_started")));
    }
    return deps;
  }

  /** The healthcheck command as one string; empty when there is none or it is disabled. */
  private static String healthcheck(JsonNode svc) {
    JsonNode hc = svc.path("healthcheck");
    if (hc.path("disable").asBoolean(false)) {
      return "";
    }
    JsonNode test = hc.path("test");
    String joined = test.isArray() ? String.join(" ", texts(test)) : test.asText("");
    return joined.equals("NONE") ? "" : joined.trim();
  }

  private static Map<String, String> environment(JsonNode svc) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = svc.path("environment");
    if (node.isArray()) {
      node.forEach(e -> {
        String[] kv = e.asText().split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      });
    } else {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    return env;
  }

  private static List<Mount> mounts(JsonNode svc) {
    List<Mount> mounts = new ArrayList<>();
    svc.path("volumes").forEach(v -> {
      if (v.isTextual()) {
        String[] parts = v.asText().split(":");
        mounts.add(parts.length == 1 ? new Mount("", parts[0]) : new Mount(parts[0], parts[1]));
      } else {
        mounts.add(new Mount(v.path("source").asText(""), v.path("target").asText()));
      }
    });
    return mounts;
  }

  private static boolean isNamedVolume(String source) {
    return !source.isEmpty() && !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("~");
  }

  /** Published ports as "host->container", ignoring the host IP and protocol. */
  private static Set<String> publishedPorts(JsonNode svc) {
    Set<String> ports = new TreeSet<>();
    svc.path("ports").forEach(p -> {
      if (p.isObject()) {
        ports.add(p.path("published").asText() + "->" + p.path("target").asText());
      } else {
        String[] parts = p.asText().replaceAll("/(tcp|udp)$", "").split(":");
        String container = parts[parts.length - 1];
        ports.add((parts.length > 1 ? parts[parts.length - 2] : container) + "->" + container);
      }
    });
    return ports;
  }

  private static String containerPort(JsonNode svc) {
    return publishedPorts(svc).stream().map(p -> p.substring(p.indexOf("->") + 2)).findFirst()
        .orElseThrow(() -> new AssertionError("service publishes no port"));
  }

  /** A command-line flag's value from the service's command, or the image default. */
  private static String flag(JsonNode svc, String name, String fallback) {
    for (String arg : texts(svc.path("command"))) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private static Path hostFileMountedAt(JsonNode svc, String containerPath) {
    return mounts(svc).stream().filter(m -> m.target().equals(containerPath)).findFirst()
        .map(m -> ProjectFiles.existing(root.resolve(m.source()).normalize()))
        .orElseThrow(() -> new AssertionError("nothing is mounted at " + containerPath));
  }

  /** The repository directory mounted at the container path, or at a parent of it. */
  private static Path hostDirectoryFor(JsonNode svc, String containerPath) {
    for (Mount m : mounts(svc)) {
      if (!isNamedVolume(m.source()) && (containerPath + "/").startsWith(m.target() + "/")) {
        Path dir = root.resolve(m.source()).resolve(containerPath.substring(m.target().length()).replaceFirst("^/", ""));
        assertTrue(Files.isDirectory(dir), () -> "missing directory " + root.relativize(dir.normalize()));
        return dir.normalize();
      }
    }
    throw new AssertionError("no repository directory is mounted at " + containerPath);
  }

  // --- monitoring-file helpers -----------------------------------------------------------------------

  private static JsonNode collectorConfig() throws IOException {
    JsonNode collector = service("otel-collector");
    return ProjectFiles.yaml(hostFileMountedAt(collector, flag(collector, "--config", "/etc/otelcol-contrib/config.yaml")));
  }

  private static JsonNode scrapeJobFor(JsonNode scrapes, String target) {
    for (JsonNode job : scrapes) {
      for (JsonNode sc : job.path("static_configs")) {
        if (texts(sc.path("targets")).contains(target)) {
          return job;
        }
      }
    }
    return null;
  }

  private static boolean pipelineWith(JsonNode pipelines, String signal, String receiver, String exporter) {
    for (Map.Entry<String, JsonNode> p : (Iterable<Map.Entry<String, JsonNode>>) pipelines::fields) {
      if ((p.getKey().equals(signal) || p.getKey().startsWith(signal + "/"))
          && texts(p.getValue().path("receivers")).contains(receiver)
          && texts(p.getValue().path("exporters")).contains(exporter)) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> provisionedDatasources() throws IOException {
    List<JsonNode> datasources = new ArrayList<>();
    for (Path file : yamlFilesIn(hostDirectoryFor(service("grafana"), "/etc/grafana/provisioning/datasources"))) {
      ProjectFiles.yaml(file).path("datasources").forEach(datasources::add);
    }
    return datasources;
  }

  /** The repository directory that a provisioned file provider loads dashboards from. */
  private static Path dashboardsDirectory() throws IOException {
    JsonNode grafana = service("grafana");
    for (Path file : yamlFilesIn(hostDirectoryFor(grafana, "/etc/grafana/provisioning/dashboards"))) {
      for (JsonNode provider : ProjectFiles.yaml(file).path("providers")) {
        if ("file".equals(provider.path("type").asText("file")) && provider.at("/options/path").isTextual()) {
          return hostDirectoryFor(grafana, provider.at("/options/path").asText());
        }
      }
    }
    return fail("no file dashboard provider is provisioned");
  }

  private static List<Path> yamlFilesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yaml = files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList();
      assertFalse(yaml.isEmpty(), () -> "no YAML files in " + root.relativize(dir));
      return yaml;
    }
  }

  private static void collectPanels(JsonNode panels, List<JsonNode> out) {
    for (JsonNode panel : panels) {
      if ("row".equals(panel.path("type").asText())) {
        collectPanels(panel.path("panels"), out);
      } else {
        out.add(panel);
      }
    }
  }

  // --- small utilities -------------------------------------------------------------------------------

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isTextual()) {
      out.add(node.asText());
    }
    return out;
  }

  private static String port(String endpoint) {
    return endpoint.substring(endpoint.lastIndexOf(':') + 1);
  }

  /** Parses a URL whose parts may hold compose interpolations such as ${POSTGRES_PASSWORD:-x}. */
  private static URI uri(String url) {
    assertNotNull(url, "URL not set");
    return URI.create(url.replaceAll("\\$\\{[^}]*}", "interpolated"));
  }

  private static boolean isPinned(String image) {
    if (image.contains("@sha256:")) {
      return true;
    }
    String nameAndTag = image.substring(image.lastIndexOf('/') + 1);
    int colon = nameAndTag.indexOf(':');
    return colon > 0 && !nameAndTag.substring(colon + 1).isBlank() && !nameAndTag.endsWith(":latest")
        && !nameAndTag.contains("$");
  }

  private static boolean balanced(String expr) {
    StringBuilder stack = new StringBuilder();
    boolean quoted = false;
    for (char c : expr.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && "({[".indexOf(c) >= 0) {
        stack.append(c);
      } else if (!quoted && ")}]".indexOf(c) >= 0) {
        if (stack.isEmpty() || "({[".indexOf(stack.charAt(stack.length() - 1)) != ")}]".indexOf(c)) {
          return false;
        }
        stack.setLength(stack.length() - 1);
      }
    }
    return stack.isEmpty() && !quoted;
  }
}
