package io.bastion.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locates and parses the repository's deployment files. */
final class ProjectFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProjectFiles() {
  }

  /** The repository root: surefire's {@code bastion.project.dir}, else the working directory. */
  static Path root() {
    String dir = System.getProperty("bastion.project.dir");
    return Path.of(dir == null || dir.isBlank() ? System.getProperty("user.dir") : dir).toAbsolutePath();
  }

  static Path existing(Path file) {
    assertTrue(Files.isRegularFile(file), () -> "missing file " + root().relativize(file));
    return file;
  }

  static JsonNode yaml(Path file) throws IOException {
    return YAML.readTree(existing(file).toFile());
  }

  static JsonNode json(Path file) throws IOException {
    return JSON.readTree(existing(file).toFile());
  }
}
