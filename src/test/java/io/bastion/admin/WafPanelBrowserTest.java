package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Security → WAF in a real headless Chromium, signed in as a security officer: a request the WAF blocks
 * shows up in the panel (chart, top rules, recent events without the request's values), the mode switch
 * changes what the gateway does, and a rule is disabled and re-enabled from its row. Screenshot in
 * target/screenshots/dashboard-waf.png.
 */
class WafPanelBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "officer-password-0123";
  private static TestNode node;
  private static AdminHttp http;
  private static final AdminHttp.Authenticator phone = new AdminHttp.Authenticator();
  private static ChromeDriver driver;
  private static Path profile;

  @BeforeAll
  static void start() throws IOException {
    Path chromium = Path.of(System.getProperty("bastion.test.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("bastion.test.chromedriver", "/usr/bin/chromedriver"));
    boolean present = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
    if (!present && TestStores.requireServices()) {
      fail("the WAF panel test needs chromium and chromedriver");
    }
    assumeTrue(present, "missing chromium or chromedriver");

    Path rules = Files.createTempDirectory("waf-panel").resolve("rules.conf");
    Files.writeString(rules, "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log,tag:'attack-test'\"\n"
        + "SecRule REQUEST_HEADERS:User-Agent \"@contains sqlmap\" \"id:1002,phase:1,deny,log,tag:'scanner'\"\n");
    TestClock clock = new TestClock();
    node = TestNode.start(Map.of("waf.mode", "on", "waf.rules", rules.toString()), clock);
    http = new AdminHttp(node, clock);
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
    http.createUser(admin, "officer", PASSWORD, "security-officer");
    http.signIn("officer", PASSWORD, phone); // enrols the officer's authenticator

    profile = Files.createTempDirectory("bastion-chromium-waf");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--window-size=1440,1600", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build(), options);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (node != null) {
        node.close();
      }
      if (profile != null) {
        try (Stream<Path> paths = Files.walk(profile)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void aBlockShowsUpAndTheModeSwitchAndRuleDisableWork() throws IOException {
    driver.get(node.baseUrl() + "/admin/login.html");
    type("username", "officer");
    type("password", PASSWORD);
    driver.findElement(By.id("login-submit")).click();
    type("mfa-code", http.nextCode(phone.secret));
    driver.findElement(By.id("mfa-submit")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    driver.findElement(By.cssSelector("#panel-links a[data-panel='security']")).click();
    waitFor(d -> "on".equals(text("waf-mode")));
    assertEquals("true", driver.findElement(By.cssSelector("[data-waf-mode='on']")).getDomAttribute("aria-pressed"));

    var blocked = node.send(io.vertx.core.http.HttpMethod.GET, "/fhir/metadata?name=evil-value-7731",
        Map.of("User-Agent", "sqlmap/1.7"), null);
    assertEquals(403, blocked.statusCode());
    String requestId = blocked.getHeader("X-Request-Id");
    WebElement row = waitFor(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#waf-events tr[data-request-id='" + requestId + "']")));
    String shown = row.getText();
    assertTrue(shown.contains("blocked") && shown.contains("1001") && shown.contains("ARGS:name"), shown);
    assertFalse(driver.findElement(By.id("panel-security")).getText().contains("7731"), "no request values");
    assertTrue(Integer.parseInt(text("waf-blocks-hour")) >= 1);
    assertTrue(Integer.parseInt(driver.findElement(By.id("chart-waf")).getDomAttribute("data-blocked")) >= 1);
    assertEquals("60", driver.findElement(By.id("chart-waf")).getDomAttribute("data-points"));
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#waf-top-rules tr[data-rule='1001']")));
    screenshot("dashboard-waf.png");

    // mode switch: detection-only lets the same request through
    driver.findElement(By.cssSelector("[data-waf-mode='detection-only']")).click();
    waitFor(d -> "detection-only".equals(text("waf-mode")));
    assertTrue(text("waf-notice").contains("from on to detection-only"), text("waf-notice"));
    assertEquals(200, node.get("/fhir/metadata?name=evil").statusCode());
    driver.findElement(By.cssSelector("[data-waf-mode='on']")).click();
    waitFor(d -> "on".equals(text("waf-mode")));

    // disable from the top-rules row, enable from the disabled list
    driver.findElement(By.cssSelector("#waf-top-rules tr[data-rule='1001'] button")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#waf-disabled-rows tr[data-rule='1001']")));
    assertEquals(200, node.get("/fhir/metadata?name=evil").statusCode());
    driver.findElement(By.cssSelector("#waf-disabled-rows tr[data-rule='1001'] button")).click();
    waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#waf-disabled-rows tr[data-rule='1001']")));
    assertEquals(403, node.get("/fhir/metadata?name=evil").statusCode());
    screenshot("dashboard-waf-after.png");

    List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage)
        .filter(m -> !(m.contains("/admin/api/session") && m.contains("status of 401")))
        .collect(Collectors.toList());
    assertEquals(List.of(), problems, "browser console");
  }

  private static void type(String id, String value) {
    WebElement field = waitFor(ExpectedConditions.elementToBeClickable(By.id(id)));
    field.clear();
    field.sendKeys(value);
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText().trim();
  }

  private static <T> T waitFor(Function<? super WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      String page = driver.findElement(By.tagName("body")).getText();
      throw new AssertionError("timed out on " + driver.getCurrentUrl() + "; page: "
          + page.substring(0, Math.min(3000, page.length())), e);
    }
  }

  private static void screenshot(String name) throws IOException {
    Path dir = Path.of(System.getProperty("bastion.project.dir", "."), "target", "screenshots");
    Files.createDirectories(dir);
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
