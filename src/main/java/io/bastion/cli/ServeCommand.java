package io.bastion.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bastion.Node;
import io.bastion.config.BastionConfig;
import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion serve}: runs a node until SIGTERM/SIGINT, then drains and stops it. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Bastion node.")
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--config", description = "YAML config file (default: conf/bastion.yaml if present, or $BASTION_CONFIG).")
  Path configFile;

  @Option(names = "--http-port", description = "http.port") Integer httpPort;
  @Option(names = "--data-dir", description = "node.data-dir") String dataDir;
  @Option(names = "--pg-url", description = "postgres.url") String pgUrl;
  @Option(names = "--redis-url", description = "redis.url") String redisUrl;
  @Option(names = "--print-config", description = "Print the effective configuration (secrets redacted) and exit.")
  boolean printConfig;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BastionConfig config;
    try {
      config = ConfigLoader.withBuiltInDefaults().load(configFile(), System.getenv(), flags());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("bastion: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (printConfig) {
      spec.commandLine().getOut().print(new ObjectMapper(new YAMLFactory()).writeValueAsString(config.redacted().getMap()));
      spec.commandLine().getOut().flush();
      return 0;
    }
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .setLevel(Level.toLevel(config.log().level()));
    Node node;
    try {
      node = Node.start(config).await();
    } catch (Exception e) {
      LOG.error("node failed to start: {}", e.getMessage(), e);
      return EXIT_START;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    long drainBudget = config.http().drainTimeoutSeconds() + 30L;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutdown requested: draining in-flight requests (at most {} s)", config.http().drainTimeoutSeconds());
      try {
        node.stop().await(drainBudget, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      }
      stopped.countDown();
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }, "bastion-shutdown"));
    stopped.await();
    return 0;
  }

  private Path configFile() {
    if (configFile != null) {
      return configFile;
    }
    String fromEnv = System.getenv("BASTION_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    Path local = Path.of("conf", "bastion.yaml");
    return Files.isRegularFile(local) ? local : null;
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (httpPort != null) {
      flags.put("http.port", httpPort.toString());
    }
    flags.put("node.data-dir", dataDir);
    flags.put("postgres.url", pgUrl);
    flags.put("redis.url", redisUrl);
    return flags;
  }
}
