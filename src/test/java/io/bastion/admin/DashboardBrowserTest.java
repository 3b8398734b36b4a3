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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
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
 * The dashboard in a real headless Chromium against a real node: first sign-in with TOTP enrolment (the
 * test reads the key the page shows for manual entry, as a person without a camera would, and computes
 * codes at the node's test clock), sign-in with a code and with a recovery code, the live Overview, the
 * panels, the Users panel, sign-out, and a console free of CSP violations and script errors. Chromium and chromedriver come from
 * Debian's packages ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; override with
 * -Dbastion.test.chromium / -Dbastion.test.chromedriver).
 */
@TestMethodOrder(OrderAnnotation.class)
class DashboardBrowserTest {

  // a sign-in hashes the password with Argon2id: 10 s ran out on a loaded machine (nice 19, load average 10)
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<String> PANELS = List.of("security", "api", "database", "backups", "load", "alerts");

  private static TestNode node;
  private static AdminHttp http;
  private static final AdminHttp.Authenticator phone = new AdminHttp.Authenticator();
  private static ChromeDriver driver;
  private static Path profile;
  private static final List<LogEntry> browserLog = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    Path chromium = Path.of(System.getProperty("bastion.test.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("bastion.test.chromedriver", "/usr/bin/chromedriver"));
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(chromium)) {
      missing.add("chromium (" + chromium + ", Debian package chromium)");
    }
    if (!Files.isExecutable(chromedriver)) {
      missing.add("chromedriver (" + chromedriver + ", Debian package chromium-driver)");
    }
    if (!missing.isEmpty() && TestStores.requireServices()) {
      fail("the dashboard test needs " + String.join(" and ", missing));
    }
    assumeTrue(missing.isEmpty(), "missing " + String.join(" and ", missing));

    TestClock clock = new TestClock();
    node = TestNode.start(Map.of(), clock);
    http = new AdminHttp(node, clock);
    profile = Files.createTempDirectory("bastion-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--window-size=1440,1000", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterEach
  void collectBrowserLog() {
    browserLog.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
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
        deleteTree(profile);
      }
    }
  }

  @Test
  @Order(1)
  void firstSignInEnrolsTotpAndShowsRecoveryCodesOnce() throws IOException {
    driver.get(node.baseUrl() + "/admin/");
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));

    submitLogin("admin", "not-the-password");
    WebElement error = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertTrue(error.getText().contains("wrong password"), error.getText());
    assertTrue(driver.getCurrentUrl().endsWith("/admin/login.html"));
    screenshot("dashboard-login-error.png");

    // The first administrator has no second factor yet, and the admin role requires one: enrolment.
    submitLogin("admin", TestNode.ADMIN_PASSWORD);
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("enrol-panel")));
    WebElement qr = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("enrol-qr")));
    assertTrue(qr.getDomProperty("src").startsWith("data:image/svg+xml;base64,"), "QR code rendered by Bastion");
    waitFor(d -> ((Number) driver.executeScript("return document.getElementById('enrol-qr').naturalWidth")).intValue() > 0);
    String key = text("enrol-secret").replace(" ", "");
    assertTrue(key.matches("[A-Z2-7]{32}"), key);
    screenshot("dashboard-mfa-enrolment.png");

    // Until enrolment is confirmed the session reaches no data.
    Object usersStatus = driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
        + "fetch('/admin/api/users').then(function (r) { done(r.status); });");
    assertEquals(403L, ((Number) usersStatus).longValue());

    phone.secret = io.bastion.admin.Base32.decode(key);
    typeInto("enrol-code", http.nextCode(phone.secret));
    driver.findElement(By.id("enrol-submit")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("recovery-panel")));
    List<WebElement> codes = driver.findElements(By.cssSelector("#recovery-codes li"));
    assertEquals(10, codes.size());
    codes.forEach(code -> phone.recoveryCodes.add(code.getText().trim()));
    assertTrue(phone.recoveryCodes.stream().allMatch(code -> code.matches("[a-z2-9]{5}-[a-z2-9]{5}")), phone.recoveryCodes.toString());
    assertEquals("", text("enrol-secret"), "the key leaves the page once enrolled");
    screenshot("dashboard-recovery-codes.png");

    driver.findElement(By.id("recovery-done")).click();
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/"));
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    assertEquals("admin", text("current-user"));
  }

  @Test
  @Order(2)
  void overviewChartsMoveWithTraffic() throws Exception {
    ensureSignedIn();
    waitFor(d -> "live".equals(text("connection")));
    AtomicBoolean running = new AtomicBoolean(true);
    Thread traffic = new Thread(() -> {
      while (running.get()) {
        node.get("/health/live");
      }
    }, "dashboard-test-traffic");
    traffic.start();
    try {
      waitFor(d -> parseOrZero(text("stat-rps")) > 0);
      int pointsBefore = points("chart-rps");
      String updatedBefore = text("updated-at");
      long totalBefore = Long.parseLong(text("stat-total").replaceAll("[^0-9]", ""));
      Thread.sleep(3000);
      // Read the three charts in one script run: a snapshot landing between separate reads is not a mismatch.
      @SuppressWarnings("unchecked")
      List<Long> counts = (List<Long>) driver.executeScript("return ['chart-rps', 'chart-latency', 'chart-elu']"
          + ".map(function (id) { return +document.getElementById(id).dataset.points; })");
      int pointsAfter = counts.get(0).intValue();
      assertTrue(pointsAfter >= pointsBefore + 2, "points " + pointsBefore + " -> " + pointsAfter);
      assertTrue(counts.get(1) == pointsAfter && counts.get(2) == pointsAfter, counts.toString());
      assertFalse(updatedBefore.equals(text("updated-at")), "'updated at' did not move");
      assertTrue(Long.parseLong(text("stat-total").replaceAll("[^0-9]", "")) > totalBefore);
      assertTrue(parseOrZero(text("stat-rps")) > 0, text("stat-rps"));
    } finally {
      running.set(false);
      traffic.join();
    }
    assertEquals("test-node", text("node-id"));
    assertEquals("badge pass", driver.findElement(By.id("badge-postgres")).getDomAttribute("class"));
    assertEquals("badge pass", driver.findElement(By.id("badge-redis")).getDomAttribute("class"));
    assertEquals("PASS", text("badge-redis"));
    assertEquals("mode: redis", text("redis-detail"));
    assertTrue(text("postgres-detail").startsWith("source: "), text("postgres-detail"));
    screenshot("dashboard-overview.png");
  }

  @Test
  @Order(3)
  void reopenedOverviewFillsChartsFromHistory() {
    ensureSignedIn();
    waitFor(d -> points("chart-rps") >= 8);
    int shown = points("chart-rps");
    driver.navigate().refresh();
    // Live snapshots alone would need `shown` seconds to get there; history does it at once.
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    new WebDriverWait(driver, Duration.ofSeconds(4)).until(d -> points("chart-rps") >= shown);
  }

  @Test
  @Order(4)
  void eachPanelSaysWhatWillAppearThere() {
    ensureSignedIn();
    Map<String, String> explains = Map.of(
        "security", "WAF blocks per minute",
        "api", "cache hit ratio",
        "database", "slow queries",
        "backups", "point-in-time restore",
        "load", "load-test runs",
        "alerts", "Firing and resolved alerts");
    for (String panel : PANELS) {
      driver.findElement(By.cssSelector("#panel-links a[data-panel='" + panel + "']")).click();
      WebElement section = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-" + panel)));
      assertTrue(section.getText().contains(explains.get(panel)), panel + ": " + section.getText());
      assertTrue(section.getText().contains("arrive"), panel + " must say when it arrives");
      assertFalse(driver.findElement(By.id("panel-overview")).isDisplayed(), "overview still shown on " + panel);
      assertTrue(driver.getCurrentUrl().endsWith("#" + panel));
      assertEquals("page", driver.findElement(By.cssSelector("a[data-panel='" + panel + "']")).getAttribute("aria-current"));
    }
    driver.findElement(By.cssSelector("#panel-links a[data-panel='overview']")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    assertFalse(driver.findElement(By.id("panel-audit")).isDisplayed());
  }

  @Test
  @Order(4)
  void auditPanelShowsAnIntactChainAndWhoAccessedAPatient() {
    ensureSignedIn();
    String patientId = node.send(io.vertx.core.http.HttpMethod.POST, "/fhir/Patient",
        Map.of("Content-Type", "application/fhir+json"), new io.vertx.core.json.JsonObject()
            .put("resourceType", "Patient").put("active", true).toBuffer()).bodyAsJsonObject().getString("id");
    assertEquals(200, node.send(io.vertx.core.http.HttpMethod.GET, "/fhir/Patient/" + patientId, Map.of(), null)
        .statusCode());
    driver.findElement(By.cssSelector("#panel-links a[data-panel='audit']")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-audit")));
    waitFor(ExpectedConditions.textToBe(By.id("audit-chain-status"), "intact"));
    assertTrue(text("audit-chain-detail").contains("records"), text("audit-chain-detail"));
    typeInto("audit-patient", patientId);
    driver.findElement(By.id("audit-search-button")).click();
    waitFor(d -> d.findElements(By.cssSelector("#audit-rows tr")).size() == 2);
    String rows = driver.findElement(By.id("audit-rows")).getText();
    assertTrue(rows.contains("read") && rows.contains("create") && rows.contains("Patient/" + patientId)
        && rows.contains("anonymous"), rows);
    driver.findElement(By.cssSelector("#panel-links a[data-panel='overview']")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
  }

  @Test
  @Order(5)
  void droppedStreamReconnectsAndResumes() {
    ensureSignedIn();
    waitFor(d -> "live".equals(text("connection")));
    long opens = ((Number) driver.executeScript("return Bastion.dashboard.bus.opens")).longValue();
    driver.executeScript("Bastion.dashboard.bus.socket.close()");
    waitFor(d -> ((Number) driver.executeScript("return Bastion.dashboard.bus.opens")).longValue() > opens
        && "live".equals(text("connection")));
    String updated = text("updated-at");
    int points = points("chart-rps");
    waitFor(d -> !updated.equals(text("updated-at")) && points("chart-rps") > points);
  }

  @Test
  @Order(6)
  void endedSessionStopsAnOpenStream() {
    // From the login page, which does not react to the session: sign in, stream, then end the session.
    driver.get(node.baseUrl() + "/admin/login.html");
    @SuppressWarnings("unchecked")
    Map<String, Object> probe = (Map<String, Object>) driver.executeAsyncScript(
        "var done = arguments[arguments.length - 1], password = arguments[0], code = arguments[1];"
        + "var before = 0, after = 0, ended = false, csrf = null;"
        + "setTimeout(function () { done({before: before, after: after, closed: 'gave up'}); }, 8000);"
        + "function post(path, body) { return fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json',"
        + "    'X-CSRF-Token': csrf || ''}, body: JSON.stringify(body)}).then(function (r) { return r.json(); }); }"
        + "post('/admin/api/session', {username: 'admin', password: password}).then(function (first) {"
        + "  csrf = first.csrfToken;"
        + "  return post('/admin/api/session/mfa', {code: code});"
        + "}).then(function () {"
        + "  var ws = new WebSocket('ws://' + location.host + '/admin/eventbus/websocket');"
        + "  ws.binaryType = 'arraybuffer';"
        + "  ws.onopen = function () { ws.send(JSON.stringify({type: 'register', address: 'bastion.metrics.snapshot', headers: {}})); };"
        + "  ws.onmessage = function (e) {"
        + "    if (ended) { after++; return; }"
        + "    if (++before === 1) {"
        + "      fetch('/admin/api/session', {method: 'DELETE', headers: {'X-CSRF-Token': csrf}}).then(function () {"
        + "        setTimeout(function () { ended = true; }, 300);"
        + "        setTimeout(function () { done({before: before, after: after, closed: ws.readyState === WebSocket.CLOSED}); ws.close(); }, 2800);"
        + "      });"
        + "    }"
        + "  };"
        + "});", TestNode.ADMIN_PASSWORD, http.nextCode(phone.secret));
    assertEquals(1L, ((Number) probe.get("before")).longValue(), "the socket should stream while signed in: " + probe);
    assertEquals(0L, ((Number) probe.get("after")).longValue(), "the socket kept streaming after sign-out: " + probe);
    assertEquals(Boolean.TRUE, probe.get("closed"), "the bridge should close the socket: " + probe);
  }

  @Test
  @Order(7)
  void dashboardWhoseSessionEndedAsksForLogin() {
    ensureSignedIn();
    waitFor(d -> "live".equals(text("connection")));
    // as a sign-out in another tab (which has the session's CSRF token too)
    driver.executeScript("fetch('/admin/api/session').then(function (r) { return r.json(); }).then(function (s) {"
        + " fetch('/admin/api/session', {method: 'DELETE', headers: {'X-CSRF-Token': s.csrfToken}}); })");
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));
  }

  @Test
  @Order(8)
  void signOutEndsTheSession() {
    ensureSignedIn();
    driver.findElement(By.id("sign-out")).click();
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));
    driver.get(node.baseUrl() + "/admin/");
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));
    assertFalse(driver.findElements(By.id("login-form")).isEmpty());

    // Without a session the bridge streams nothing, even to a socket that asks.
    Object frames = driver.executeAsyncScript(
        "var done = arguments[arguments.length - 1], seen = [];"
        + "var ws = new WebSocket('ws://' + location.host + '/admin/eventbus/websocket');"
        + "ws.binaryType = 'arraybuffer';"
        + "ws.onopen = function () { ws.send(JSON.stringify({type: 'register', address: 'bastion.metrics.snapshot', headers: {}})); };"
        + "ws.onmessage = function (e) { seen.push(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data)); };"
        + "setTimeout(function () { ws.close(); done(seen.join('\\n')); }, 2500);");
    assertFalse(String.valueOf(frames).contains("\"rec\""), "signed-out socket received: " + frames);
  }

  @Test
  @Order(9)
  void recoveryCodeSignsInOnceAndUsersPanelListsAccounts() {
    driver.get(node.baseUrl() + "/admin/login.html");
    submitLogin("admin", TestNode.ADMIN_PASSWORD);
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("mfa-form")));
    driver.findElement(By.id("mfa-toggle")).click();
    String recovery = phone.recoveryCodes.remove(0);
    typeInto("mfa-recovery", recovery);
    driver.findElement(By.id("mfa-submit")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));

    driver.findElement(By.cssSelector("#panel-links a[data-panel='users']")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#users-rows tr[data-username='admin']")));
    String row = driver.findElement(By.cssSelector("#users-rows tr[data-username='admin']")).getText();
    assertTrue(row.contains("enrolled") && row.contains("admin"), row);

    // Add a viewer from the panel; it appears in the table.
    typeInto("new-username", "viewer1");
    typeInto("new-password", "viewer-password-123");
    driver.findElement(By.id("user-create")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#users-rows tr[data-username='viewer1']")));
    String viewerRow = driver.findElement(By.cssSelector("#users-rows tr[data-username='viewer1']")).getText();
    assertTrue(viewerRow.contains("viewer") && viewerRow.contains("Disable"), viewerRow);
    // one's own row offers neither what the API refuses on it (409): reset 2FA, disable
    String ownRow = driver.findElement(By.cssSelector("#users-rows tr[data-username='admin']")).getText();
    assertFalse(ownRow.contains("Reset 2FA") || ownRow.contains("Disable"), ownRow);

    // A CLI token from the panel: shown once, listed by name and role, revocable.
    typeInto("token-name", "nightly-backup");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("token-role"))).selectByValue("ops");
    driver.findElement(By.id("token-create")).click();
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#token-rows tr[data-token='nightly-backup']")));
    assertTrue(text("token-created").startsWith("bct_"), text("token-created"));
    By tokenRow = By.cssSelector("#token-rows tr[data-token='nightly-backup']");
    String rowText = waitFor(d -> d.findElement(tokenRow).getText());
    assertTrue(rowText.contains("ops") && rowText.contains("active"), rowText);
    waitFor(d -> {
      d.findElement(tokenRow).findElement(By.tagName("button")).click();
      return true;
    });
    waitFor(d -> d.findElement(By.cssSelector("#token-rows tr[data-token='nightly-backup']")).getText().contains("revoked"));

    // The same recovery code does not work twice.
    driver.findElement(By.id("sign-out")).click();
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));
    submitLogin("admin", TestNode.ADMIN_PASSWORD);
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("mfa-form")));
    driver.findElement(By.id("mfa-toggle")).click();
    typeInto("mfa-recovery", recovery);
    driver.findElement(By.id("mfa-submit")).click();
    WebElement error = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertTrue(error.getText().contains("already used"), error.getText());
  }

  @Test
  @Order(10)
  void viewerSeesOnlyItsPanels() {
    driver.manage().deleteAllCookies();
    driver.get(node.baseUrl() + "/admin/login.html");
    submitLogin("viewer1", "viewer-password-123"); // the viewer role does not require MFA
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    assertTrue(driver.findElement(By.cssSelector("#panel-links a[data-panel='api']")).isDisplayed());
    assertFalse(driver.findElement(By.cssSelector("#panel-links a[data-panel='users']")).isDisplayed());
    assertFalse(driver.findElement(By.cssSelector("#panel-links a[data-panel='audit']")).isDisplayed());
    driver.get(node.baseUrl() + "/admin/#users");
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
    assertFalse(driver.findElement(By.id("panel-users")).isDisplayed());
    driver.findElement(By.id("sign-out")).click();
    waitFor(ExpectedConditions.urlToBe(node.baseUrl() + "/admin/login.html"));
  }

  @Test
  @Order(11)
  void browserConsoleHasNoCspViolationsOrScriptErrors() {
    collectBrowserLog();
    List<String> problems = browserLog.stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
        .map(LogEntry::getMessage)
        .filter(message -> !expectedUnauthorised(message))
        .collect(Collectors.toList());
    assertEquals(List.of(), problems, "browser console");

    // Control: the collector does see a violation when one happens.
    driver.executeScript("var s = document.createElement('script'); s.textContent = 'window.x = 1'; document.head.appendChild(s);");
    List<String> control = new ArrayList<>();
    waitFor(d -> {
      d.manage().logs().get(LogType.BROWSER).forEach(entry -> control.add(entry.getMessage()));
      return control.stream().anyMatch(m -> m.contains("Content Security Policy"));
    });
  }

  /**
   * The session probe, the wrong password, the reused recovery code (401) and the half-signed-in session's
   * probe of the users API (403) are refused by design; Chromium logs each one.
   */
  private static boolean expectedUnauthorised(String message) {
    return (message.contains("/admin/api/session") && message.contains("status of 401"))
        || (message.contains("/admin/api/users") && message.contains("status of 403"));
  }

  private static void submitLogin(String username, String password) {
    WebElement user = waitFor(ExpectedConditions.elementToBeClickable(By.id("username")));
    user.clear();
    user.sendKeys(username);
    WebElement pass = driver.findElement(By.id("password"));
    pass.clear();
    pass.sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
  }

  private static void typeInto(String id, String value) {
    WebElement field = waitFor(ExpectedConditions.elementToBeClickable(By.id(id)));
    field.clear();
    field.sendKeys(value);
  }

  private static void ensureSignedIn() {
    if (!driver.getCurrentUrl().startsWith(node.baseUrl() + "/admin/") || driver.getCurrentUrl().contains("login")) {
      driver.get(node.baseUrl() + "/admin/");
    }
    if (driver.getCurrentUrl().contains("login")) {
      submitLogin("admin", TestNode.ADMIN_PASSWORD);
      typeInto("mfa-code", http.nextCode(phone.secret));
      driver.findElement(By.id("mfa-submit")).click();
    }
    waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-overview")));
  }

  private static String text(String id) {
    return driver.findElement(By.id(id)).getText().trim();
  }

  private static int points(String chartId) {
    return Integer.parseInt(driver.findElement(By.id(chartId)).getAttribute("data-points"));
  }

  private static double parseOrZero(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static <T> T waitFor(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
    try {
      // Panels re-render their tables on refresh: an element found a moment ago may be replaced.
      return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      String page = driver.getPageSource();
      throw new AssertionError("timed out on " + driver.getCurrentUrl() + "; page: "
          + page.substring(0, Math.min(1500, page.length())), e);
    }
  }

  private static void screenshot(String name) throws IOException {
    Path dir = Path.of(System.getProperty("bastion.project.dir", "."), "target", "screenshots");
    Files.createDirectories(dir);
    Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
