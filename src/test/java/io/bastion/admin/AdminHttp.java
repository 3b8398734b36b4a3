package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API as the dashboard uses it: cookie, CSRF header, the sign-in steps. Codes are computed
 * from the enrolled secret at the node's (test-controlled) clock, which moves one TOTP step per code so
 * no code is ever a replay.
 */
public final class AdminHttp {

  /** A signed-in (or half signed-in) browser: its cookie and CSRF token. */
  public static final class Session {
    public String cookie;
    public String csrf;
    public JsonObject state;

    Map<String, String> headers(boolean json) {
      Map<String, String> headers = new HashMap<>();
      if (cookie != null) {
        headers.put("Cookie", cookie);
      }
      if (csrf != null) {
        headers.put(AdminSession.CSRF_HEADER, csrf);
      }
      if (json) {
        headers.put("Content-Type", "application/json");
      }
      return headers;
    }
  }

  /** What the user's phone holds after enrolment, and the recovery codes on paper. */
  public static final class Authenticator {
    public byte[] secret;
    public final List<String> recoveryCodes = new ArrayList<>();
  }

  private final TestNode node;
  private final TestClock clock;

  public AdminHttp(TestNode node, TestClock clock) {
    this.node = node;
    this.clock = clock;
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, Session session, JsonObject body) {
    Map<String, String> headers = session == null ? new HashMap<>() : session.headers(body != null);
    if (session == null && body != null) {
      headers.put("Content-Type", "application/json");
    }
    HttpResponse<Buffer> response = node.send(method, path, headers, body == null ? null : body.toBuffer());
    String setCookie = response.getHeader("Set-Cookie");
    if (session != null && setCookie != null && setCookie.startsWith(AdminRoutes.SESSION_COOKIE + "=")) {
      session.cookie = setCookie.split(";", 2)[0];
    }
    return response;
  }

  /** The password step; the session holds the cookie and CSRF token whatever state it reached. */
  public HttpResponse<Buffer> password(Session session, String username, String password) {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/admin/api/session", session,
        new JsonObject().put("username", username).put("password", password));
    if (response.statusCode() == 200) {
      session.state = response.bodyAsJsonObject();
      session.csrf = session.state.getString("csrfToken");
    }
    return response;
  }

  /** A fresh TOTP code: moves the clock to the next step first. */
  public String nextCode(byte[] secret) {
    clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    return Totp.code(secret, clock.instant());
  }

  /**
   * Signs in all the way: password, then enrolment (filling {@code device}) if the account has no second
   * factor yet and needs one, else a TOTP code from {@code device}.
   */
  public Session signIn(String username, String password, Authenticator device) {
    Session session = new Session();
    HttpResponse<Buffer> first = password(session, username, password);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String state = session.state.getString("state");
    if (AdminSession.ENROL.equals(state)) {
      enrol(session, device);
    } else if (AdminSession.MFA.equals(state)) {
      HttpResponse<Buffer> second = send(HttpMethod.POST, "/admin/api/session/mfa", session,
          new JsonObject().put("code", nextCode(device.secret)));
      assertEquals(200, second.statusCode(), second.bodyAsString());
      session.state = second.bodyAsJsonObject();
    }
    assertEquals(AdminSession.FULL, session.state.getString("state"), session.state.encode());
    return session;
  }

  /** Enrols a TOTP authenticator for the session's user, keeping its secret and recovery codes. */
  public void enrol(Session session, Authenticator device) {
    HttpResponse<Buffer> started = send(HttpMethod.POST, "/admin/api/mfa/enrolment", session, new JsonObject());
    assertEquals(200, started.statusCode(), started.bodyAsString());
    device.secret = Base32.decode(started.bodyAsJsonObject().getString("secret"));
    HttpResponse<Buffer> confirmed = send(HttpMethod.POST, "/admin/api/mfa/enrolment/confirm", session,
        new JsonObject().put("code", nextCode(device.secret)));
    assertEquals(200, confirmed.statusCode(), confirmed.bodyAsString());
    session.state = confirmed.bodyAsJsonObject();
    device.recoveryCodes.clear();
    JsonArray codes = session.state.getJsonArray("recoveryCodes");
    codes.forEach(code -> device.recoveryCodes.add((String) code));
  }

  /** Creates a user through the admin API as {@code admin}. */
  public JsonObject createUser(Session admin, String username, String password, String... roles) {
    HttpResponse<Buffer> created = send(HttpMethod.POST, "/admin/api/users", admin, new JsonObject()
        .put("username", username).put("password", password).put("roles", new JsonArray(List.of((Object[]) roles))));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }
}
