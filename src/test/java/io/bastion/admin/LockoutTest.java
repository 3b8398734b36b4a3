package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lock-out with backoff, per account and per client IP, in PostgreSQL: threshold 3 per account and 12
 * per IP, 10 s doubling up to 40 s. The node's clock is the test's, so no test sleeps.
 */
class LockoutTest {

  private static final String OPS_PASSWORD = "ops-password-12345";
  private static TestNode node;
  private static TestClock clock;
  private static AdminHttp http;
  private static final AdminHttp.Authenticator phone = new AdminHttp.Authenticator();

  @BeforeAll
  static void start() {
    clock = new TestClock();
    node = TestNode.start(Map.of("admin.lockout-threshold", "3", "admin.lockout-ip-threshold", "12",
        "admin.lockout-base-seconds", "10", "admin.lockout-max-seconds", "40"), clock);
    http = new AdminHttp(node, clock);
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, phone);
    http.createUser(admin, "ops1", OPS_PASSWORD, "ops");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void forgetEarlierFailures() {
    clock.advance(Duration.ofHours(1)); // counters quiet for longer than 15 minutes start again from zero
  }

  private static HttpResponse<Buffer> login(String username, String password) {
    return http.password(new AdminHttp.Session(), username, password);
  }

  @Test
  void accountLocksAfterThresholdAndUnknownUsersLookTheSame() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> known = login("ops1", "wrong-password-" + i);
      HttpResponse<Buffer> unknown = login("ghost", "wrong-password-" + i);
      assertEquals(401, known.statusCode());
      assertEquals(401, unknown.statusCode());
      assertEquals(known.bodyAsJsonObject().getString("detail"), unknown.bodyAsJsonObject().getString("detail"));
    }
    // Locked: even the right password is not checked, and an unknown name is locked just the same.
    HttpResponse<Buffer> locked = login("ops1", OPS_PASSWORD);
    HttpResponse<Buffer> lockedGhost = login("ghost", "anything-at-all");
    for (HttpResponse<Buffer> response : List.of(locked, lockedGhost)) {
      assertEquals(429, response.statusCode());
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      long retry = Long.parseLong(response.getHeader("Retry-After"));
      assertTrue(retry >= 9 && retry <= 10, "Retry-After " + retry);
      assertEquals("too many failed sign-ins; try again in " + retry + " s", response.bodyAsJsonObject().getString("detail"));
    }
    assertEquals(1, node.node().pool().query("SELECT 1 FROM admin_login_throttle WHERE kind = 'account' AND subject = 'ops1' "
        + "AND locked_until IS NOT NULL").execute().await().size());

    clock.advance(Duration.ofSeconds(11));
    HttpResponse<Buffer> ok = login("ops1", OPS_PASSWORD);
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals("signed-in", ok.bodyAsJsonObject().getString("state"), "ops needs no second factor");
  }

  @Test
  void backoffDoublesAndIsBounded() {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, login("ops1", "wrong").statusCode());
    }
    long[] expected = {20, 40, 40};
    assertEquals("10", login("ops1", OPS_PASSWORD).getHeader("Retry-After"));
    for (long seconds : expected) {
      clock.advance(Duration.ofSeconds(41));
      assertEquals(401, login("ops1", "wrong").statusCode(), "unlocked: checked, and wrong again");
      assertEquals(String.valueOf(seconds), login("ops1", OPS_PASSWORD).getHeader("Retry-After"));
    }
    clock.advance(Duration.ofSeconds(41));
    assertEquals(200, login("ops1", OPS_PASSWORD).statusCode());
    assertEquals(0, node.node().pool().query("SELECT 1 FROM admin_login_throttle WHERE kind = 'account' AND subject = 'ops1'")
        .execute().await().size(), "a sign-in clears the account's counter");
  }

  @Test
  void oneIpTryingManyNamesIsLockedToo() {
    for (int i = 0; i < 12; i++) {
      assertEquals(401, login("spray-" + i, "password-" + i).statusCode());
    }
    HttpResponse<Buffer> locked = login("ops1", OPS_PASSWORD);
    assertEquals(429, locked.statusCode(), "the IP is locked, whichever account it names");
    assertEquals("10", locked.getHeader("Retry-After"));
  }

  @Test
  void wrongSecondFactorsCountToo() {
    AdminHttp.Session session = new AdminHttp.Session();
    assertEquals(200, http.password(session, "admin", TestNode.ADMIN_PASSWORD).statusCode());
    for (String wrong : List.of("000000", "111111", "abcde-fghij")) {
      JsonObject body = wrong.contains("-") ? new JsonObject().put("recoveryCode", wrong)
          : new JsonObject().put("code", wrong);
      assertEquals(401, http.send(HttpMethod.POST, "/admin/api/session/mfa", session, body).statusCode());
    }
    HttpResponse<Buffer> locked = http.send(HttpMethod.POST, "/admin/api/session/mfa", session,
        new JsonObject().put("code", Totp.code(phone.secret, clock.instant()))); // the clock stays: still locked
    assertEquals(429, locked.statusCode(), "even the right code waits for the lock");
    assertEquals(429, login("admin", TestNode.ADMIN_PASSWORD).statusCode(), "and so does the password step");
  }
}
