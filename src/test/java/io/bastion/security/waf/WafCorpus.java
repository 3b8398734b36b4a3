package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared WAF corpus is: {@code ${bastion.project.dir}/../shared/waf-corpus} (set by surefire),
 * else {@code ../shared/waf-corpus} relative to the working directory. It is read in place, never copied.
 * When absent, tests fail if {@code bastion.test.requireServices} is true and are skipped otherwise.
 */
public final class WafCorpus {

  private WafCorpus() {
  }

  public static Path dir() {
    String project = System.getProperty("bastion.project.dir");
    Path dir = project != null ? Path.of(project).resolve("../shared/waf-corpus").normalize()
        : Path.of("../shared/waf-corpus").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("coreruleset/rules"))) {
      String msg = "WAF corpus not found at " + dir;
      if (Boolean.getBoolean("bastion.test.requireServices")) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
    return dir;
  }

  public static Path crsDir() {
    return dir().resolve("coreruleset");
  }
}
