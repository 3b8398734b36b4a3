package io.bastion.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.Node;
import io.bastion.config.BastionConfig;
import io.bastion.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A real node for tests: random HTTP port, its own fresh database on the real PostgreSQL, real Redis
 * when asked for, and a low blocked-thread limit whose warnings fail the test on close.
 */
public final class TestNode implements AutoCloseable {

  public static final String ADMIN_PASSWORD = "test-admin-password-123";
  /** The PHI master key of test nodes (base64 of 32 bytes; a test value, never used outside tests). */
  public static final String PHI_MASTER_KEY = "dGVzdC1vbmx5LXBoaS1tYXN0ZXIta2V5LTMyLWJ5dGU=";

  /** Generous: a request's own timeouts are the node's; this only turns a lost answer into a failure. */
  private static final long ANSWER_SECONDS = 120;

  static {
    // One-time JDK class initialisation (IDN's Unicode tables, ~200 ms on a busy machine) is first
    // triggered by Netty's resolver on an event loop; do it here so it is not reported as a blocked loop.
    java.net.IDN.toASCII("localhost");
  }

  private final Node node;
  private final WebClient client;
  private final OnEventLoop loop;

  private TestNode(Node node) {
    this.node = node;
    this.client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(node.httpPort()));
    this.loop = new OnEventLoop(node.vertx());
  }

  /** Starts with Redis on localhost (skips the test when absent) and the given extra settings. */
  public static TestNode start(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>();
    all.put("redis.url", TestStores.redisUrl());
    all.putAll(settings);
    return startWithout(all);
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** Starts with Redis on localhost, the given settings, and a clock the test controls. */
  public static TestNode start(Map<String, String> settings, Clock clock) {
    Map<String, String> all = new HashMap<>();
    all.put("redis.url", TestStores.redisUrl());
    all.putAll(settings);
    return new TestNode(Node.start(config(all), vertxOptions(), clock).await());
  }

  private static final AtomicBoolean FIRST_START = new AtomicBoolean(true);

  /** Starts with exactly these settings on top of the test defaults (no Redis unless given). */
  public static TestNode startWithout(Map<String, String> settings) {
    BlockedThreadWatch.drain(); // warnings from earlier tests are not this node's
    Node node = Node.start(config(settings), vertxOptions()).await();
    if (FIRST_START.getAndSet(false)) {
      // the JVM's first node runs everything for the first time (class loading and initialisation, the interpreter):
      // its first PostgreSQL connection took 500+ ms on a loop at load average 7, in no single frame to excuse
      BlockedThreadWatch.drain();
    }
    return new TestNode(node);
  }

  /**
   * The test defaults: port 0, a fresh database, a temporary data dir, a known admin password, and
   * auth.enabled=false (set it to true to test the deny-by-default node).
   */
  public static BastionConfig config(Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.port", "0");
    flags.put("http.instances", "2");
    flags.put("http.drain-timeout-seconds", "5");
    flags.put("admin.password", ADMIN_PASSWORD);
    flags.put("redis.mode", "off"); // no Redis unless a test asks for it
    flags.put("node.id", "test-node");
    // one master key for every test node, so a test that restarts a node on the same database can read it
    flags.put("phi.master-key", PHI_MASTER_KEY);
    // Nodes deny by default (auth.enabled: true); tests see an open API unless they ask for auth.
    flags.put("auth.enabled", "false");
    try {
      flags.put("node.data-dir", Files.createTempDirectory("bastion-test").toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (!settings.containsKey("postgres.url") && !"embedded".equals(settings.get("postgres.mode"))) {
      flags.put("postgres.url", TestStores.newDatabase());
    }
    flags.putAll(settings);
    if (settings.containsKey("redis.url") && !settings.containsKey("redis.mode")) {
      flags.put("redis.mode", "auto");
    }
    return ConfigLoader.withBuiltInDefaults().load(null, Map.of(), flags);
  }

  public static VertxOptions vertxOptions() {
    return new VertxOptions()
        // 500 ms: far below Vert.x's 2 s default, so JDBC, file or crypto work on a loop fails a test, yet above
        // the one-time class initialisation (TLS contexts, JFR, ICU tables) seen at 200-300 ms on a loaded machine.
        .setMaxEventLoopExecuteTime(500).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        // a stack trace with every warning, so a failure names what blocked
        .setWarningExceptionTime(500).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }

  public Node node() {
    return node;
  }

  public int port() {
    return node.httpPort();
  }

  public String baseUrl() {
    return "http://localhost:" + port();
  }

  /** The node's client; send through {@link #call} (see {@link OnEventLoop} for why). */
  public WebClient client() {
    return client;
  }

  /** Runs a request built on {@link #client} from this node's client event loop; several may be in flight. */
  public <T> Future<T> call(Supplier<Future<T>> request) {
    return loop.call(request);
  }

  public HttpResponse<Buffer> get(String path) {
    return loop.await(() -> client.request(HttpMethod.GET, path).send(), ANSWER_SECONDS);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, Map<String, String> headers, Buffer body) {
    return loop.await(() -> {
      var request = client.request(method, path);
      headers.forEach(request::putHeader);
      return body == null ? request.send() : request.sendBuffer(body);
    }, ANSWER_SECONDS);
  }

  /** Stops the node and fails if any event loop was blocked while it ran. */
  @Override
  public void close() {
    client.close();
    try {
      node.stop().await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("node did not stop within 60 s", e);
    }
    List<String> blocked = BlockedThreadWatch.drain();
    assertEquals(List.of(), blocked, "event loop blocked during the test");
  }
}
