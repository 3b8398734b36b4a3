package io.bastion.security;

import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.security.waf.WafRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Legitimate FHIR traffic for measuring a WAF's false positives, built from real FHIR rather than invented
 * strings: every resource {@link SyntheticPatients} generates for a few seeds, POSTed and PUT with an XHTML
 * narrative and a {@code meta.profile} (as US Core clients send them); every search URL the project's FHIR
 * tests and docs/fhir.md use; FHIR search syntax, JSON Patch and transaction Bundles; clinical free text and
 * names in search parameters and bodies; a few FHIR XML resources. Each request carries the headers a
 * real client sends (Accept, a bearer token, User-Agent, traceparent).
 */
final class FhirBenignTraffic {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final String TOKEN = "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczov"
      + "L2lkcC5leGFtcGxlLm9yZyIsInN1YiI6ImNsaW5pY2lhbi0xIiwic2NvcGUiOiJ1c2VyLyoucmVhZCJ9.c2lnbmF0dXJlLWJ5dGVz";
  private static final String[] AGENTS = {GotestwafCorpus.BROWSER,
      "HAPI-FHIR/6.10.0 (FHIR Client; FHIR 4.0.1/R4; apache)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
      + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "okhttp/4.12.0", "k6/0.49.0 (https://k6.io/)"};

  /** Clinical free text as clinicians write it, including words SQL and shell rules are known to trip on. */
  static final List<String> FREE_TEXT = List.of(
      "Patient will select a diet low in sodium and saturated fat.",
      "Drop in BP after standing; orthostatic hypotension suspected.",
      "Please delete from the list of active medications: lisinopril 10 mg.",
      "Union of fracture confirmed on follow-up X-ray.",
      "Non-union of the left tibia; refer to orthopaedics.",
      "Pt alert and oriented x3, no acute distress.",
      "BP 142/91 (sitting) and 2 hours later 130/85 (standing).",
      "Symptom onset 3 days ago, sudden, while at work.",
      "Select all that apply: chest pain, dyspnoea, palpitations.",
      "Metformin discontinued -- GI upset; start sitagliptin 100 mg daily.",
      "Rule out MI; troponin x2 negative, ECG unremarkable.",
      "F/U in 2 wks; return to ED if symptoms worsen.",
      "Cat scratch on left forearm, no signs of infection.",
      "Echo: EF 55%, mild mitral regurgitation.",
      "Drop in Hgb from 12.1 to 9.8 g/dL over 48 h; check iron studies.",
      "Patient's wife reports he's been more confused at night.",
      "Order by Dr. O'Neil, cosigned by Dr. D'Angelo.",
      "Nuclei enlarged with prominent nucleoli; see pathology report.",
      "1/2 tab PO BID with meals; max 4 tabs/day.",
      "Weight 80 kg -> 78 kg since last visit (diet & exercise).",
      "Temp > 38.5 C for 2 days; WBC < 4.0 x10^9/L.",
      "Hx of EtOH use & tobacco (20 pack-years); counselled on cessation.",
      "Insert 2 puffs via spacer every 4-6 hours as needed for wheeze.",
      "Where: left knee, medial joint line; worse on stairs.",
      "Executive function impaired on MoCA (score 22/30).",
      "Sleep 5-6 hours per night; advised sleep hygiene.",
      "Script for oxycodone 5 mg faxed to the pharmacy.",
      "Type 2 diabetes; HbA1c 7.2% (was 8.1%).",
      "Head and neck exam normal; no lymphadenopathy.",
      "Allergy list updated: penicillin (rash), peanuts (anaphylaxis).",
      "Order of draw: blood cultures, then citrate, then serum tubes.",
      "Drop-in clinic visit; patient walked in without appointment.",
      "Mother says \"he hasn't eaten since Tuesday\".",
      "Plan: 1) CBC, CMP; 2) CXR; 3) re-assess in 24 h.",
      "Continue current meds; no changes at this time.",
      "Denies chest pain, SOB, N/V/D; positive for fatigue.",
      "Wound 2 cm x 1 cm, clean, dry; dressing changed.",
      "Blood glucose 180 mg/dL before dinner; adjust insulin by +2 units.",
      "Patient asks: \"can I drive after the procedure?\" - No, not for 24 h.",
      "Living will on file; DNR/DNI discussed with family (son & daughter).",
      "Exec summary: stable, discharge tomorrow if afebrile.",
      "The patient and family were told to echo back the instructions.",
      "Pain 7/10 -> 3/10 after paracetamol 1 g.",
      "Select diet: diabetic, 1800 kcal; drop salt to < 2 g/day.",
      "Update from the ward: patient stable, order set completed.",
      "Insulin sliding scale per protocol; notify MD if BG > 300 or < 70.",
      "Follow-up with Dr. Smith-Jones re: union of the scaphoid.");

  /** Family and given names with apostrophes, hyphens, particles and diacritics. */
  static final List<String> NAMES = List.of("O'Brien", "D'Angelo", "O'Neil-Smith", "N'Diaye", "D'Or", "Nguyễn",
      "Müller", "José María", "Al-Hassan", "McDonald", "Ó Súilleabháin", "St. John", "van der Berg", "Zoë",
      "Łukasz", "Dubois-Lefèvre", "O'Connor", "Björk", "Smith & Sons Clinic", "L'Hôpital");

  /** FHIR search syntax a WAF must let through (beyond what the tests and docs use). */
  static final List<String> SEARCH_SYNTAX = List.of(
      "Observation?_include=Observation:subject&_include:iterate=Patient:general-practitioner",
      "Observation?date=ge2020-01-01&date=lt2021-01-01T00:00:00Z",
      "Observation?code=http://loinc.org|1234-5,http://loinc.org|8867-4",
      "Patient?name:contains=bri&name:exact=O'Brien",
      "Patient?_has:Observation:patient:code=http://loinc.org|8480-6",
      "Patient?_has:Observation:subject:_has:AuditEvent:entity:agent=x",
      "Patient/abc-123/$everything?_count=50&_since=2024-01-01",
      "Patient?_elements=id,name,birthDate&_summary=true",
      "Patient?gender=male,female&_sort=-birthdate,family",
      "Observation?value-quantity=gt5.4|http://unitsofmeasure.org|mg&_count=20",
      "Observation?subject:Patient.name=O'Brien&category=vital-signs",
      "Patient?identifier=urn:oid:2.16.840.1.113883.3.9999.1|MRN0010000001",
      "Patient?address-postalcode:missing=false&telecom=phone|555-201-0000",
      "Observation?_lastUpdated=gt2024-01-01T10:00:00.000+02:00",
      "Observation?code:below=http://snomed.info/sct|38341003&_revinclude=Provenance:target",
      "Encounter?reason-code=http://snomed.info/sct|185345009&_sort=date&_total=accurate",
      "Condition?onset-date=le2025-12-31&clinical-status=active",
      "Patient?_text=diabetes&_content=hypertension",
      "MedicationRequest?_include=MedicationRequest:medication&status=active,on-hold",
      "Patient?name=Smith&name=John&_format=json&_pretty=true",
      "Observation?code-value-quantity=http://loinc.org|8480-6$gt140&_count=10",
      "Patient?family:contains=D'Angelo&given=Zo%C3%AB",
      "AllergyIntolerance?patient=Patient/abc&criticality=high&_elements=code,reaction");

  private FhirBenignTraffic() {
  }

  /** The whole set: resources of patients 0..{@code patientsPerSeed}-1 for each seed, plus everything else. */
  static List<WafSample> build(Path projectDir, long[] seeds, int patientsPerSeed) throws IOException {
    List<WafSample> out = new ArrayList<>();
    int n = 0;
    for (long seed : seeds) {
      SyntheticPatients generator = new SyntheticPatients(seed);
      for (int p = 0; p < patientsPerSeed; p++) {
        for (NewResource r : generator.patient(p)) {
          JsonObject resource = r.resource().copy();
          resource.put("id", r.id());
          resource.put("meta", new JsonObject().put("profile", new JsonArray().add(
              "http://hl7.org/fhir/us/core/StructureDefinition/us-core-" + r.type().toLowerCase())));
          resource.put("text", new JsonObject().put("status", "generated").put("div", narrative(r.type(), resource,
              FREE_TEXT.get(n % FREE_TEXT.size()))));
          JsonObject created = resource.copy();
          created.remove("id");
          out.add(json("fhir-create", "POST", "/fhir/" + r.type(), created.encode(), n));
          if (n % 4 == 0) {
            out.add(json("fhir-update", "PUT", "/fhir/" + r.type() + "/" + r.id(), resource.encode(), n));
          }
          n++;
        }
      }
    }
    for (String url : searchUrls(projectDir)) {
      out.add(get("fhir-search (tests, docs)", url, n++));
    }
    for (String url : SEARCH_SYNTAX) {
      out.add(get("fhir-search-syntax", "/fhir/" + url, n++));
    }
    for (String text : FREE_TEXT) {
      out.add(get("free-text", "/fhir/Observation?code:text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
          + "&_content=" + URLEncoder.encode(text, StandardCharsets.UTF_8), n++));
      out.add(json("free-text", "POST", "/fhir/Observation", new JsonObject().put("resourceType", "Observation")
          .put("status", "final").put("code", new JsonObject().put("text", text))
          .put("note", new JsonArray().add(new JsonObject().put("text", text))).encode(), n++));
    }
    for (String name : NAMES) {
      out.add(get("names", "/fhir/Patient?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), n++));
      out.add(json("names", "POST", "/fhir/Patient", new JsonObject().put("resourceType", "Patient")
          .put("name", new JsonArray().add(new JsonObject().put("family", name).put("given", new JsonArray().add(name))
              .put("text", name + ", " + name))).encode(), n++));
    }
    out.addAll(patches(n));
    n += 10;
    out.add(json("bundle", "POST", "/fhir", transaction(), n++));
    out.addAll(xmlResources(n));
    return out;
  }

  /**
   * Search URLs from the FHIR tests and docs/fhir.md: string literals of the form {@code [/fhir/]Type?params}
   * or {@code Type/id/...?params}, read from the sources at test time so the set follows the tests.
   */
  static Set<String> searchUrls(Path projectDir) throws IOException {
    Pattern literal = Pattern.compile("\"((?:/fhir/)?[A-Z][A-Za-z]+(?:/[^\"?\\s]*)?\\?[^\"\\s]*)\"");
    Pattern doc = Pattern.compile("`((?:GET )?(?:/fhir/)?[A-Z][A-Za-z]+(?:/[^`?\\s]*)?\\?[^`\\s]+)`");
    Set<String> urls = new LinkedHashSet<>();
    try (Stream<Path> files = Files.walk(projectDir.resolve("src/test/java/io/bastion/fhir"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        collect(literal, Files.readString(f), urls);
      }
    }
    collect(doc, Files.readString(projectDir.resolve("docs/fhir.md")), urls);
    return urls;
  }

  private static void collect(Pattern p, String text, Set<String> urls) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      String url = m.group(1).replaceFirst("^GET ", "");
      if (url.contains("{") || url.contains("…")) {
        continue; // a placeholder in prose, not a request
      }
      url = url.startsWith("/fhir/") ? url : "/fhir/" + url;
      // a literal ending in "=" or "/" is completed in code with an id: give it one
      urls.add(url.endsWith("=") || url.endsWith("/") ? url + "a1b2c3" : url);
    }
  }

  /** An XHTML narrative as FHIR servers and EHRs generate them: headings, a table, a link, an image, styles. */
  static String narrative(String type, JsonObject resource, String note) {
    StringBuilder div = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\"><h3>").append(type)
        .append("</h3><p><b>Summary</b>: ").append(escape(note)).append("</p><table class=\"grid\" style=\"border: 1px solid #ccc\">")
        .append("<tr><th>Element</th><th>Value</th></tr>");
    int rows = 0;
    for (Map.Entry<String, Object> e : resource) {
      if (e.getValue() instanceof String s && rows++ < 6) {
        div.append("<tr><td>").append(e.getKey()).append("</td><td>").append(escape(s)).append("</td></tr>");
      }
    }
    return div.append("</table><ul><li>Source: <a href=\"https://ehr.example.org/chart/").append(type)
        .append("\">EHR chart</a></li><li><i>Reviewed</i> &amp; <span style=\"color: green\">signed</span></li></ul>")
        .append("<img src=\"#signature\" alt=\"signature\"/><br/></div>").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static List<WafSample> patches(int n) {
    String patch1 = "[{\"op\":\"test\",\"path\":\"/name/0/family\",\"value\":\"O'Brien\"},"
        + "{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"O'Brien-Kelly\"},"
        + "{\"op\":\"add\",\"path\":\"/telecom/-\",\"value\":{\"system\":\"email\",\"value\":\"s.obrien@example.org\"}}]";
    String patch2 = "[{\"op\":\"remove\",\"path\":\"/address/0\"},{\"op\":\"copy\",\"from\":\"/name/0\",\"path\":\"/name/1\"},"
        + "{\"op\":\"move\",\"from\":\"/telecom/1\",\"path\":\"/telecom/0\"}]";
    String patch3 = "[{\"op\":\"add\",\"path\":\"/note/-\",\"value\":{\"text\":\"Patient will select a diet; drop in BP noted; "
        + "delete from the list the old dose\"}},{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]";
    List<WafSample> out = new ArrayList<>();
    int i = n;
    for (String p : List.of(patch1, patch2, patch3)) {
      out.add(new WafSample("benign#" + i, false, "json-patch", request("PATCH", "/fhir/Patient/abc-" + i,
          "application/json-patch+json", p, i)));
      i++;
    }
    return out;
  }

  private static String transaction() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("name", new JsonArray().add(
        new JsonObject().put("family", "O'Brien").put("given", new JsonArray().add("Siobhán"))));
    JsonObject obs = new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://loinc.org")
            .put("code", "8867-4").put("display", "Heart rate"))))
        .put("subject", new JsonObject().put("reference", "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"))
        .put("valueQuantity", new JsonObject().put("value", 72).put("unit", "/min").put("system", "http://unitsofmeasure.org")
            .put("code", "/min"));
    return new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry", new JsonArray()
        .add(new JsonObject().put("fullUrl", "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a").put("resource", patient)
            .put("request", new JsonObject().put("method", "POST").put("url", "Patient")
                .put("ifNoneExist", "identifier=urn:oid:2.16.840.1.113883.3.9999.1|MRN0010000001")))
        .add(new JsonObject().put("resource", obs).put("request", new JsonObject().put("method", "POST").put("url", "Observation")))
        .add(new JsonObject().put("request", new JsonObject().put("method", "GET")
            .put("url", "Observation?subject=Patient/abc&code=http://loinc.org|8867-4&date=ge2024-01-01")))
        .add(new JsonObject().put("request", new JsonObject().put("method", "DELETE").put("url", "Observation?status=entered-in-error"))))
        .encode();
  }

  private static List<WafSample> xmlResources(int n) {
    String patient = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Patient xmlns=\"http://hl7.org/fhir\" "
        + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://hl7.org/fhir ../../schema/fhir-single.xsd\">"
        + "<meta><profile value=\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient\"/></meta>"
        + "<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Siobhán O'Brien</b>, "
        + "female, born 1970-04-01</p><table><tr><td>MRN</td><td>MRN0010000001</td></tr></table></div></text>"
        + "<name><family value=\"O'Brien\"/><given value=\"Siobhán\"/></name><gender value=\"female\"/>"
        + "<birthDate value=\"1970-04-01\"/></Patient>";
    String observation = "<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><coding>"
        + "<system value=\"http://loinc.org\"/><code value=\"8480-6\"/><display value=\"Systolic blood pressure\"/></coding>"
        + "</code><subject><reference value=\"Patient/abc\"/></subject><valueQuantity><value value=\"142\"/>"
        + "<unit value=\"mm[Hg]\"/></valueQuantity><note><text value=\"Drop in BP after standing; patient will select a "
        + "low-salt diet &amp; delete from the list the old dose.\"/></note></Observation>";
    return List.of(
        new WafSample("benign#" + n, false, "fhir-xml", request("POST", "/fhir/Patient", "application/fhir+xml", patient, n)),
        new WafSample("benign#" + (n + 1), false, "fhir-xml", request("POST", "/fhir/Observation", "application/fhir+xml",
            observation, n + 1)));
  }

  private static WafSample json(String category, String method, String uri, String body, int n) {
    return new WafSample("benign#" + n, false, category, request(method, uri, FHIR_JSON, body, n));
  }

  private static WafSample get(String category, String uri, int n) {
    return new WafSample("benign#" + n, false, category, request("GET", uri, null, null, n));
  }

  private static WafRequest request(String method, String uri, String contentType, String body, int n) {
    List<WafRequest.Header> headers = new ArrayList<>();
    headers.add(new WafRequest.Header("Host", "fhir.hospital.example:8443"));
    headers.add(new WafRequest.Header("User-Agent", AGENTS[n % AGENTS.length]));
    headers.add(new WafRequest.Header("Accept", n % 3 == 0 ? "application/fhir+json;q=1.0, application/json;q=0.9, */*;q=0.8"
        : FHIR_JSON));
    headers.add(new WafRequest.Header("Accept-Encoding", "gzip, deflate, br"));
    headers.add(new WafRequest.Header("Authorization", TOKEN));
    headers.add(new WafRequest.Header("traceparent", String.format("00-%032x-%016x-01", 0xabcdefL + n, 0x1234L + n)));
    headers.add(new WafRequest.Header("X-Request-Id", "req-" + n));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      headers.add(new WafRequest.Header("Content-Type", contentType + (n % 2 == 0 ? "; charset=utf-8" : "")));
      headers.add(new WafRequest.Header("Content-Length", Integer.toString(bytes.length)));
      headers.add(new WafRequest.Header("Prefer", "return=representation"));
    }
    if ("PUT".equals(method) || "PATCH".equals(method)) {
      headers.add(new WafRequest.Header("If-Match", "W/\"" + (1 + n % 3) + "\""));
    }
    return new WafRequest(method, uri, "HTTP/1.1", headers, bytes, "10.20.30.40");
  }
}
