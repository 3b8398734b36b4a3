package io.bastion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.Bastion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `bastion serve` refuses a bad config with every problem listed, and prints a redacted effective config. */
class ServeCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new Bastion()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void badConfigFileExitsWithCode2AndListsEveryProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http:\n  port: -1\n  idle-timeout-seconds: 0\npostgres:\n  pool-size: many\nunknown: 1\n");
    assertEquals(2, run("serve", "--config", file.toString()));
    String message = err.toString();
    assertTrue(message.contains("4 problems"), message);
    for (String path : new String[] {"http.port", "http.idle-timeout-seconds", "postgres.pool-size", "unknown"}) {
      assertTrue(message.contains(path + ":"), path + " missing in: " + message);
    }
  }

  @Test
  void printConfigShowsEffectiveValuesWithSecretsRedacted(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "admin:\n  password: a-very-secret-password\nhttp:\n  port: 9999\n");
    assertEquals(0, run("serve", "--config", file.toString(), "--http-port", "9000", "--pg-url",
        "postgresql://u:pw-in-url@db:5432/x", "--print-config"));
    String yaml = out.toString();
    assertTrue(yaml.contains("port: 9000"), yaml);
    assertFalse(yaml.contains("a-very-secret-password"), yaml);
    assertFalse(yaml.contains("pw-in-url"), yaml);
    assertTrue(yaml.contains("<redacted>"), yaml);
  }
}
