package io.bastion.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bastion.db.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The real PostgreSQL and Redis the tests use, resolved the way Bastion resolves them: a server on
 * localhost, else (PostgreSQL) an embedded server shared by the whole test run. With
 * -Dbastion.test.requireServices=true (CI) a missing local server fails the test instead.
 */
public final class TestStores {

  private static final boolean REQUIRE = Boolean.getBoolean("bastion.test.requireServices");
  private static EmbeddedPostgres embedded;
  private static final List<String> created = new ArrayList<>();

  private TestStores() {
  }

  public static boolean requireServices() {
    return REQUIRE;
  }

  /** A new, empty database, dropped when the test JVM exits; returns its postgresql:// URL. */
  public static synchronized String newDatabase() {
    String admin = adminJdbcUrl();
    String name = "bastion_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin, user(), null); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
    }
    if (created.isEmpty()) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> dropCreated(admin, user()), "drop-test-databases"));
    }
    created.add(name);
    return embedded != null
        ? "postgresql://" + embedded.superuser() + "@" + embedded.host() + ":" + embedded.port() + "/" + name
        : "postgresql://postgres@localhost:5432/" + name;
  }

  /**
   * Drops this run's databases, so that a developer's PostgreSQL does not collect a hundred of them per run.
   * FORCE ends sessions a test left open. Each DROP DATABASE waits for a checkpoint, which takes seconds while a
   * benchmark dirties shared buffers; concurrent drops share checkpoints, so they run on a few connections at
   * once (one after another, 40 drops outlasted surefire's wait for the exiting JVM, which then killed it and left
   * them all). If the embedded server stopped first, they stay in its cluster under target/ until the next clean.
   */
  private static synchronized void dropCreated(String admin, String user) {
    ConcurrentLinkedQueue<String> left = new ConcurrentLinkedQueue<>(created);
    List<Thread> droppers = new ArrayList<>();
    for (int i = 0; i < Math.min(4, created.size()); i++) {
      Thread dropper = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(admin, user, null); Statement s = c.createStatement()) {
          for (String name = left.poll(); name != null; name = left.poll()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
          }
        } catch (SQLException e) {
          System.err.println("test databases not dropped: " + e.getMessage());
        }
      }, "drop-test-databases-" + i);
      dropper.start();
      droppers.add(dropper);
    }
    for (Thread dropper : droppers) {
      try {
        dropper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** redis://localhost:6379, or skip (fail under requireServices) when nothing answers there. */
  public static String redisUrl() {
    boolean up = listening("localhost", 6379);
    if (!up && REQUIRE) {
      fail("Redis is required (bastion.test.requireServices) but nothing listens on localhost:6379");
    }
    assumeTrue(up, "no Redis on localhost:6379");
    return "redis://localhost:6379";
  }

  public static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String user() {
    return embedded != null ? embedded.superuser() : "postgres";
  }

  private static String adminJdbcUrl() {
    if (embedded == null && listening("localhost", 5432)) {
      return "jdbc:postgresql://localhost:5432/postgres";
    }
    if (embedded == null) {
      if (REQUIRE) {
        fail("PostgreSQL is required (bastion.test.requireServices) but nothing listens on localhost:5432");
      }
      try {
        Path root = Path.of(System.getProperty("bastion.project.dir", "."), "target", "test-pg");
        embedded = EmbeddedPostgres.start(root, 54339);
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
      } catch (IOException e) {
        throw new IllegalStateException("no PostgreSQL on localhost:5432 and the embedded one failed: " + e.getMessage(), e);
      }
    }
    return embedded.jdbcUrl("postgres");
  }
}
