package io.bastion.security.waf;

import io.bastion.security.waf.parser.SecLangParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one request through the engine (phases 1 and 2, as the gateway runs them, engine mode On):
 * a benign FHIR search GET with browser-like headers, a benign 2 KB FHIR Patient POST (XHTML narrative,
 * identifiers, names, addresses) and a SQL injection in a search parameter; with the OWASP CRS at
 * paranoia level 1 ({@code ../shared/waf-corpus/coreruleset}) and with Bastion's builtin rules
 * ({@code waf.rules: builtin}, or the files in {@code -Dbastion.bench.builtinRules}). {@link #fhirRead} is the
 * request the end-to-end load driver sends for a read ({@code bench/fhir-load.sh}, {@code io.bastion.bench.FhirLoad}):
 * a body-less GET of one resource with the driver's four headers, its bearer token shaped like the token
 * endpoint's (an ES256 access token of ~510 characters); {@link #fhirCreate} is the driver's create. With
 * {@code -p rules=crs-fhir} the CRS runs behind Bastion's FHIR exclusions, as the end-to-end CRS runs load it
 * ({@code builtin:crs-fhir-before} between crs-setup.conf and the rules): they select the JSON body processor for
 * FHIR's media types and add 19 target removals to every /fhir request, which {@code crs-pl1} has neither of.
 * Run: {@code bench/jmh.sh -f 1 -wi 5 -i 5 WafEngineBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WafEngineBenchmark {

  static final String GET_URI = "/fhir/Observation?subject=Patient/123&code=http://loinc.org|8867-4"
      + "&date=ge2024-01-01&_count=50";
  static final String READ_URI = "/fhir/Patient/8c1e2d4a-5b6f-4a1b-9c3d-2e4f6a8b0c1d";
  static final String ATTACK_URI = "/fhir/Patient?name=x%27%20OR%201%3D1%20UNION%20SELECT%20password"
      + "%2Cusername%20FROM%20users--&_count=10";

  @Param({"crs-pl1", "builtin"})
  public String rules;

  private WafEngine engine;
  private WafRequest get;
  private WafRequest post;
  private WafRequest attack;
  private WafRequest read;
  /** Reads of different resources, as the load driver sends them (a new id in every request line). */
  private WafRequest[] reads;
  /** The same reads, each with a new W3C {@code traceparent}, as an OpenTelemetry-instrumented client sends them. */
  private WafRequest[] tracedReads;
  /** The load driver's creates: POST /fhir/Patient with one of its synthetic patients. */
  private WafRequest[] creates;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    engine = new WafEngine(load(rules));
    get = new WafRequest("GET", GET_URI, "HTTP/1.1", browserHeaders(null), null, "10.1.2.3");
    byte[] patient = patientJson().getBytes(StandardCharsets.UTF_8);
    post = new WafRequest("POST", "/fhir/Patient", "HTTP/1.1", browserHeaders("application/fhir+json"), patient,
        "10.1.2.3");
    attack = new WafRequest("GET", ATTACK_URI, "HTTP/1.1", browserHeaders(null), null, "10.1.2.3");
    read = new WafRequest("GET", READ_URI, "HTTP/1.1", loadDriverHeaders(), null, "127.0.0.1");
    java.util.Random random = new java.util.Random(7);
    reads = new WafRequest[1024];
    tracedReads = new WafRequest[reads.length];
    for (int i = 0; i < reads.length; i++) {
      String uri = (i % 2 == 0 ? "/fhir/Patient/" : "/fhir/Observation/") + new java.util.UUID(random.nextLong(),
          random.nextLong());
      reads[i] = new WafRequest("GET", uri, "HTTP/1.1", loadDriverHeaders(), null, "127.0.0.1");
      List<WafRequest.Header> traced = new java.util.ArrayList<>(loadDriverHeaders());
      traced.add(new WafRequest.Header("traceparent", String.format("00-%016x%016x-%016x-01", random.nextLong(),
          random.nextLong(), random.nextLong())));
      tracedReads[i] = new WafRequest("GET", uri, "HTTP/1.1", traced, null, "127.0.0.1");
    }
    io.bastion.fhir.seed.SyntheticPatients patients = new io.bastion.fhir.seed.SyntheticPatients(1);
    creates = new WafRequest[512];
    for (int i = 0; i < creates.length; i++) {
      byte[] body = patients.patient(i).get(0).resource().toBuffer().getBytes();
      List<WafRequest.Header> headers = new java.util.ArrayList<>(loadDriverHeaders());
      headers.add(new WafRequest.Header("content-length", Integer.toString(body.length)));
      creates[i] = new WafRequest("POST", "/fhir/Patient", "HTTP/1.1", headers, body, "127.0.0.1");
    }
    Transaction probe = run(attack);
    if (probe.matchedRules().isEmpty()) {
      throw new IllegalStateException("the attack is not detected by " + rules + ": the benchmark would be wrong");
    }
  }

  /** The rule set under test, compiled the way {@code InlineWaf.load} does it. */
  static RuleSet load(String which) throws WafConfigException {
    SecLangParser parser = SecLangParser.standard();
    if (which.equals("crs-pl1") || which.equals("crs-fhir")) {
      Path crs = WafCorpus.crsDir();
      parser.parseText(Path.of("(waf.paranoia-level)"),
          "SecAction \"id:99001,phase:1,pass,nolog,t:none,setvar:tx.blocking_paranoia_level=1\"\n");
      parser.parseFile(crs.resolve("crs-setup.conf.example"));
      if (which.equals("crs-fhir")) {
        io.bastion.security.BuiltinRules.parseInto(parser, "builtin:crs-fhir-before");
      }
      parser.parseFile(crs.resolve("rules/*.conf"));
    } else {
      parseBuiltin(parser);
    }
    return parser.compile();
  }

  /**
   * Bastion's shipped rules through {@code io.bastion.security.BuiltinRules} (looked up reflectively, so this
   * benchmark compiles before that class exists), or the files listed in {@code -Dbastion.bench.builtinRules}
   * (comma-separated, in load order).
   */
  private static void parseBuiltin(SecLangParser parser) throws WafConfigException {
    String files = System.getProperty("bastion.bench.builtinRules");
    if (files != null) {
      for (String f : files.split(",")) {
        parser.parseFile(Path.of(f.trim()));
      }
      return;
    }
    try {
      Class.forName("io.bastion.security.BuiltinRules").getMethod("parseInto", SecLangParser.class, String.class)
          .invoke(null, parser, "builtin");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no builtin rules in this build (io.bastion.security.BuiltinRules) and no "
          + "-Dbastion.bench.builtinRules", e);
    }
  }

  static List<WafRequest.Header> browserHeaders(String contentType) {
    List<WafRequest.Header> h = new java.util.ArrayList<>(List.of(
        new WafRequest.Header("Host", "fhir.example.org"),
        new WafRequest.Header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36"),
        new WafRequest.Header("Accept", "application/fhir+json, application/json;q=0.9, */*;q=0.8"),
        new WafRequest.Header("Accept-Language", "en-GB,en;q=0.9,de;q=0.8"),
        new WafRequest.Header("Accept-Encoding", "gzip, deflate, br"),
        new WafRequest.Header("Authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwi"
            + "c2NvcGUiOiJ1c2VyL09ic2VydmF0aW9uLnJzIn0.c2lnbmF0dXJlLW5vdC1jaGVja2VkLWhlcmU"),
        new WafRequest.Header("Referer", "https://fhir.example.org/dashboard/"),
        new WafRequest.Header("Connection", "keep-alive")));
    if (contentType != null) {
      h.add(new WafRequest.Header("Content-Type", contentType));
    }
    return h;
  }

  /**
   * What {@code io.bastion.bench.FhirLoad} sends with a read, as the node receives it (read off the node's socket,
   * 2026-12-06): Accept and Content-Type (set on every request), the bearer token, and the Host. The end-to-end
   * WAF runs pass {@code --header "Host: fhir.example.org"}, which replaces the {@code 127.0.0.1:port} the client
   * would add; a numeric Host matches CRS 920350 (a detection, scored and logged, in every request) and this
   * case measured that rather than the node's request.
   */
  static List<WafRequest.Header> loadDriverHeaders() {
    return List.of(new WafRequest.Header("Accept", "application/fhir+json"),
        new WafRequest.Header("Content-Type", "application/fhir+json"),
        new WafRequest.Header("Authorization", "Bearer " + accessToken()),
        new WafRequest.Header("Host", "fhir.example.org"));
  }

  /**
   * An access token in the token endpoint's shape ({@code typ at+jwt}, ES256, the driver's client's claims):
   * base64url header, payload and a random 64-byte signature (fixed seed), 510 characters. Not signed: the
   * WAF reads it as text.
   */
  static String accessToken() {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = "{\"kid\":\"b7j4huVJzGuMMXcOJNyRfAB5Fs0zyIqGR_4RbUTg3Gs\",\"typ\":\"at+jwt\",\"alg\":\"ES256\"}";
    String payload = "{\"sub\":\"bcl_mdEwkwzKfF1X_rhxHCMLoQ\",\"aud\":\"http://localhost:18610/fhir\","
        + "\"scope\":\"system/*.cruds\",\"iss\":\"http://localhost:18610\",\"exp\":1796454479,\"iat\":1796450879,"
        + "\"jti\":\"tqBTF2KJoPL9rWO21KuqPw\",\"client_id\":\"bcl_mdEwkwzKfF1X_rhxHCMLoQ\"}";
    byte[] signature = new byte[64];
    new java.util.Random(42).nextBytes(signature);
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(signature);
  }

  /** A realistic ~2 KB FHIR R4 Patient. */
  static String patientJson() {
    return """
        {"resourceType":"Patient","meta":{"profile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},\
        "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p><b>Siobhan O'Brien</b>, \
        female, born 12 March 1968</p><table><tbody><tr><td>MRN</td><td>MRN-0048213</td></tr><tr><td>Address</td>\
        <td>14 Harbour Road, Galway</td></tr></tbody></table></div>"},\
        "identifier":[{"use":"usual","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203",\
        "code":"MR","display":"Medical record number"}]},"system":"urn:oid:1.2.36.146.595.217.0.1","value":"MRN-0048213",\
        "period":{"start":"2001-05-06"},"assigner":{"display":"Galway University Hospital"}},\
        {"use":"official","system":"http://example.org/fhir/sid/national-id","value":"7723-551-902"}],\
        "active":true,"name":[{"use":"official","family":"O'Brien","given":["Siobhan","Mary"],"prefix":["Ms"]},\
        {"use":"maiden","family":"Kelly","given":["Siobhan"],"period":{"end":"1994-07-02"}}],\
        "telecom":[{"system":"phone","value":"+353 91 555 0142","use":"home"},{"system":"email",\
        "value":"siobhan.obrien@example.org","use":"work"}],"gender":"female","birthDate":"1968-03-12",\
        "address":[{"use":"home","type":"both","text":"14 Harbour Road, Galway H91 X2Y4, Ireland",\
        "line":["14 Harbour Road","Apartment 3"],"city":"Galway","district":"County Galway","postalCode":"H91 X2Y4",\
        "country":"IE","period":{"start":"2010-01-01"}},{"use":"old","line":["2 Main Street"],"city":"Athlone",\
        "postalCode":"N37 A0B1","country":"IE","period":{"start":"1994-07-02","end":"2009-12-31"}}],\
        "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M",\
        "display":"Married"}],"text":"Married"},"contact":[{"relationship":[{"coding":[{"system":\
        "http://terminology.hl7.org/CodeSystem/v2-0131","code":"N","display":"Next-of-Kin"}]}],"name":{"family":\
        "O'Brien","given":["Declan"]},"telecom":[{"system":"phone","value":"+353 87 555 0199"}],"gender":"male"}],\
        "communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en-IE","display":"English (Ireland)"}],\
        "text":"English"},"preferred":true},{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"ga",\
        "display":"Irish"}]}}],"generalPractitioner":[{"reference":"Practitioner/gp-2231","display":"Dr. Aoife Byrne"}],\
        "managingOrganization":{"reference":"Organization/guh","display":"Galway University Hospital"}}""";
  }

  static Transaction run(WafEngine engine, WafRequest request) {
    Transaction tx = engine.newTransaction(request);
    tx.setEngineMode(EngineMode.ON);
    tx.processRequest();
    return tx;
  }

  private Transaction run(WafRequest request) {
    return run(engine, request);
  }

  @Benchmark
  public Transaction benignGet() {
    return run(get);
  }

  @Benchmark
  public Transaction benignPost2k() {
    return run(post);
  }

  @Benchmark
  public Transaction fhirRead() {
    return run(read);
  }

  /** {@link #fhirRead} with a new resource id in every request, as the load driver's reads come. */
  @Benchmark
  public Transaction fhirReadNewId() {
    next = (next + 1) & (reads.length - 1);
    return run(reads[next]);
  }

  /** The load driver's create: one of 512 synthetic patients (~0.7 KB of FHIR JSON) per request. */
  @Benchmark
  public Transaction fhirCreate() {
    next = (next + 1) & (creates.length - 1);
    return run(creates[next]);
  }

  /** {@link #fhirReadNewId} with a new {@code traceparent} header in every request. */
  @Benchmark
  public Transaction fhirReadTraced() {
    next = (next + 1) & (tracedReads.length - 1);
    return run(tracedReads[next]);
  }

  @Benchmark
  public Transaction sqliAttack() {
    return run(attack);
  }
}
