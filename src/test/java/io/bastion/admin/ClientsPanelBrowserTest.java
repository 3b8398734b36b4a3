package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
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
 * The Clients panel in headless Chromium against a deny-by-default node: register a client with a
 * generated secret (shown once, and it really gets a token), register one with a JWKS, disable (no more
 * tokens), delete; no script errors. Screenshot: target/screenshots/dashboard-clients.png.
 */
class ClientsPanelBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void registerDisableAndDeleteClientsFromThePanel() throws Exception {
    Path chromium = Path.of(System.getProperty("bastion.test.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("bastion.test.chromedriver", "/usr/bin/chromedriver"));
    boolean present = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
    if (!present && TestStores.requireServices()) {
      fail("the dashboard test needs chromium and chromium-driver");
    }
    assumeTrue(present, "no chromium/chromedriver");
    TestClock clock = new TestClock();
    Path profile = Files.createTempDirectory("bastion-chromium");
    ChromeDriver driver = null;
    try (TestNode node = TestNode.start(Map.of("auth.enabled", "true"), clock)) {
      AdminHttp http = new AdminHttp(node, clock);
      AdminHttp.Authenticator phone = new AdminHttp.Authenticator();
      http.signIn("admin", TestNode.ADMIN_PASSWORD, phone); // enrols the admin's authenticator
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-quic", "--window-size=1440,1000", "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
          .usingAnyFreePort().build(), options);
      WebDriverWait wait = new WebDriverWait(driver, WAIT);
      wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);

      driver.get(node.baseUrl() + "/admin/login.html");
      type(wait, "username", "admin");
      type(wait, "password", TestNode.ADMIN_PASSWORD);
      driver.findElement(By.id("login-submit")).click();
      type(wait, "mfa-code", http.nextCode(phone.secret));
      driver.findElement(By.id("mfa-submit")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));

      driver.findElement(By.cssSelector("#panel-links a[data-panel='clients']")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client-form")));
      type(wait, "client-name", "lab feed");
      type(wait, "client-scopes", "system/Patient.rs system/Observation.rs");
      driver.findElement(By.cssSelector("#client-form input[value='secret']")).click();
      driver.findElement(By.id("client-create")).click();
      By labRow = By.cssSelector("#client-rows tr[data-client='lab feed']");
      wait.until(ExpectedConditions.visibilityOfElementLocated(labRow));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client-secret-box")));
      String clientId = driver.findElement(labRow).getAttribute("data-client-id");
      String secret = driver.findElement(By.id("client-secret")).getText().trim();
      assertTrue(secret.startsWith("bcs_"), secret);
      assertEquals(200, token(node, clientId, secret), "the secret the panel showed gets a token");

      var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("k1").generate();
      type(wait, "client-name", "billing");
      type(wait, "client-scopes", "system/*.rs");
      driver.findElement(By.cssSelector("#client-form input[value='jwks']")).click();
      type(wait, "client-jwks", new JsonObject().put("keys", new JsonArray()
          .add(new JsonObject(key.toPublicJWK().toJSONObject()))).encode());
      driver.findElement(By.id("client-create")).click();
      By billingRow = By.cssSelector("#client-rows tr[data-client='billing']");
      wait.until(ExpectedConditions.visibilityOfElementLocated(billingRow));
      assertTrue(driver.findElement(billingRow).getText().contains("private_key_jwt (1 key(s))"),
          driver.findElement(billingRow).getText());
      screenshot(driver, "dashboard-clients.png");

      clickAction(wait, labRow, "Disable");
      wait.until(d -> d.findElement(labRow).getText().contains("disabled"));
      assertEquals(401, token(node, clientId, secret), "a disabled client gets no token");

      clickAction(wait, labRow, "Delete");
      wait.until(ExpectedConditions.alertIsPresent()).accept();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(labRow));
      assertTrue(driver.findElement(By.id("clients-notice")).getText().contains("lab feed deleted"));
      screenshot(driver, "dashboard-clients-after-delete.png");

      List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage)
          .filter(message -> !(message.contains("/admin/api/session") && message.contains("status of 401")))
          .toList();
      assertEquals(List.of(), problems, "browser console");
    } finally {
      if (driver != null) {
        driver.quit();
      }
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static int token(TestNode node, String clientId, String secret) {
    String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return node.send(HttpMethod.POST, "/auth/token", Map.of("Authorization", basic,
        "Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer("grant_type=client_credentials")).statusCode();
  }

  private static void type(WebDriverWait wait, String id, String value) {
    WebElement field = wait.until(ExpectedConditions.elementToBeClickable(By.id(id)));
    field.clear();
    field.sendKeys(value);
  }

  private static void clickAction(WebDriverWait wait, By row, String label) {
    wait.until((WebDriver d) -> {
      for (WebElement button : d.findElement(row).findElements(By.tagName("button"))) {
        if (button.getText().equals(label)) {
          button.click();
          return true;
        }
      }
      return false;
    });
  }

  private static void screenshot(ChromeDriver driver, String name) throws java.io.IOException {
    Path dir = Path.of(System.getProperty("bastion.project.dir", "."), "target", "screenshots");
    Files.createDirectories(dir);
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
