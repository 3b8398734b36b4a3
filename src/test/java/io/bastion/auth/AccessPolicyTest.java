package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The scope matrix: interaction x resource type x scope (v1 and v2, with restrictions), one row per case. */
class AccessPolicyTest {

  private static final AccessPolicy POLICY = new AccessPolicy();

  /**
   * scopes | patient context ("-": none) | roles | interaction | type ("-": system level) | query | expected
   * expected: deny, allow (unconfined), patient (confined to pat-1's compartment),
   * restricted:N (N alternative restrictions), patient+restricted:N
   */
  private static final String MATRIX = """
      patient/Observation.rs                 | pat-1 | -  | READ             | Observation | -                                   | patient
      patient/Observation.rs                 | pat-1 | -  | VREAD            | Observation | -                                   | patient
      patient/Observation.rs                 | pat-1 | -  | HISTORY_INSTANCE | Observation | -                                   | patient
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | -                                   | patient
      patient/Observation.rs                 | pat-1 | -  | HISTORY          | Observation | -                                   | patient
      patient/Observation.rs                 | pat-1 | -  | CREATE           | Observation | -                                   | deny
      patient/Observation.rs                 | pat-1 | -  | UPDATE           | Observation | -                                   | deny
      patient/Observation.rs                 | pat-1 | -  | PATCH            | Observation | -                                   | deny
      patient/Observation.rs                 | pat-1 | -  | DELETE           | Observation | -                                   | deny
      patient/Observation.rs                 | pat-1 | -  | READ             | Patient     | -                                   | deny
      patient/Observation.rs                 | -     | -  | READ             | Observation | -                                   | deny
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | -           | -                                   | deny
      patient/Observation.r                  | pat-1 | -  | SEARCH           | Observation | -                                   | deny
      patient/Observation.s                  | pat-1 | -  | READ             | Observation | -                                   | deny
      patient/Observation.c                  | pat-1 | -  | CREATE           | Observation | -                                   | patient
      patient/Observation.u                  | pat-1 | -  | PATCH            | Observation | -                                   | patient
      patient/Observation.d                  | pat-1 | -  | DELETE           | Observation | -                                   | patient
      patient/*.read                         | pat-1 | -  | READ             | Condition   | -                                   | patient
      patient/*.read                         | pat-1 | -  | SEARCH           | Condition   | -                                   | patient
      patient/*.read                         | pat-1 | -  | UPDATE           | Condition   | -                                   | deny
      patient/*.write                        | pat-1 | -  | CREATE           | Condition   | -                                   | patient
      patient/*.write                        | pat-1 | -  | UPDATE           | Condition   | -                                   | patient
      patient/*.write                        | pat-1 | -  | DELETE           | Condition   | -                                   | patient
      patient/*.write                        | pat-1 | -  | READ             | Condition   | -                                   | deny
      patient/*.*                            | pat-1 | -  | DELETE           | Condition   | -                                   | patient
      user/Patient.write                     | -     | -  | CREATE           | Patient     | -                                   | allow
      user/Patient.write                     | -     | -  | UPDATE           | Patient     | -                                   | allow
      user/Patient.write                     | -     | -  | PATCH            | Patient     | -                                   | allow
      user/Patient.write                     | -     | -  | DELETE           | Patient     | -                                   | allow
      user/Patient.write                     | -     | -  | READ             | Patient     | -                                   | deny
      user/Patient.read                      | -     | -  | SEARCH           | Patient     | -                                   | allow
      user/Patient.read                      | -     | -  | CREATE           | Patient     | -                                   | deny
      user/Patient.r                         | -     | -  | VREAD            | Patient     | -                                   | allow
      user/Patient.r                         | -     | -  | HISTORY_INSTANCE | Patient     | -                                   | allow
      user/Patient.r                         | -     | -  | HISTORY          | Patient     | -                                   | deny
      user/Patient.s                         | -     | -  | HISTORY          | Patient     | -                                   | allow
      user/Patient.s                         | -     | -  | HISTORY          | -           | -                                   | deny
      user/*.s                               | -     | -  | HISTORY          | -           | -                                   | allow
      user/*.cruds                           | -     | -  | DELETE           | Encounter   | -                                   | allow
      user/*.cruds                           | -     | -  | SEARCH           | -           | -                                   | allow
      user/*.cruds                           | pat-1 | -  | READ             | Observation | -                                   | allow
      user/*.*                               | -     | -  | PATCH            | Encounter   | -                                   | allow
      system/Patient.r                       | -     | -  | READ             | Patient     | -                                   | allow
      system/Patient.r                       | -     | -  | SEARCH           | Patient     | -                                   | deny
      system/Patient.r                       | -     | -  | READ             | Observation | -                                   | deny
      system/*.rs                            | -     | -  | EXPORT           | -           | -                                   | allow
      system/*.read                          | -     | -  | EXPORT           | Patient     | -                                   | allow
      user/*.rs                              | -     | -  | EXPORT           | -           | -                                   | allow
      patient/*.rs                           | pat-1 | -  | EXPORT           | -           | -                                   | deny
      user/Patient.rs                        | -     | -  | EXPORT           | -           | -                                   | deny
      patient/*.rs                           | pat-1 | -  | EVERYTHING       | Patient     | -                                   | patient
      patient/Patient.r                      | pat-1 | -  | EVERYTHING       | Patient     | -                                   | deny
      patient/Patient.rs?gender=female       | pat-1 | -  | EVERYTHING       | Patient     | -                                   | deny
      user/*.rs                              | -     | -  | EVERYTHING       | Patient     | -                                   | allow
      patient/Patient.rs user/Patient.rs     | pat-1 | -  | READ             | Patient     | -                                   | allow
      patient/Patient.r user/Patient.s       | pat-1 | -  | EVERYTHING       | Patient     | -                                   | patient
      patient/Observation.rs?category=laboratory | pat-1 | - | SEARCH       | Observation | -                                   | patient+restricted:1
      patient/Observation.rs?category=laboratory | pat-1 | - | READ         | Observation | -                                   | patient+restricted:1
      patient/Observation.rs?category=laboratory | pat-1 | - | CREATE       | Observation | -                                   | deny
      user/Observation.rs?category=laboratory user/Observation.rs | - | - | SEARCH | Observation | -                             | allow
      user/Observation.rs?category=laboratory user/Observation.rs?category=vital-signs | - | - | SEARCH | Observation | -         | restricted:2
      user/Observation.rs?category=laboratory&status=final | - | - | SEARCH | Observation | -                                     | restricted:1
      user/Observation.rs?category=laboratory | - | -  | SEARCH           | -           | _type=Observation                   | deny
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _include=Observation:subject:Patient | deny
      patient/*.rs                           | pat-1 | -  | SEARCH           | Observation | _include=Observation:subject:Patient | patient
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _include=Observation:subject        | patient
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _include=*                          | deny
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _revinclude=Provenance:target       | deny
      patient/Observation.rs patient/Provenance.r | pat-1 | - | SEARCH       | Observation | _revinclude=Provenance:target       | patient
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _include:iterate=Observation:performer:Practitioner | deny
      patient/Observation.rs                 | pat-1 | -  | SEARCH           | Observation | _has:Condition:subject:code=x       | deny
      user/Observation.s user/Condition.s    | -     | -  | SEARCH           | -           | _type=Observation,Condition         | allow
      user/Observation.s                     | -     | -  | SEARCH           | -           | _type=Observation,Condition         | deny
      patient/Observation.s patient/Condition.s | pat-1 | - | SEARCH         | -           | _type=Observation,Condition         | patient
      user/Observation.s                     | -     | -  | SEARCH           | -           | -                                   | deny
      user/*.cruds                           | -     | -  | READ             | AuditEvent  | -                                   | deny
      user/*.cruds                           | -     | security-officer | READ  | AuditEvent | -                              | allow
      user/*.cruds                           | -     | security-officer | SEARCH | AuditEvent | -                             | allow
      user/*.cruds                           | -     | security-officer | CREATE | AuditEvent | -                             | deny
      user/*.cruds                           | -     | security-officer | DELETE | AuditEvent | -                             | deny
      -                                      | -     | security-officer | READ  | AuditEvent | -                              | deny
      -                                      | -     | -  | CAPABILITIES     | -           | -                                   | allow
      openid fhirUser launch/patient         | pat-1 | -  | READ             | Patient     | -                                   | deny
      user/*.cruds                           | -     | -  | BATCH            | -           | -                                   | allow
      user/*.cruds                           | -     | -  | TRANSACTION      | -           | -                                   | allow
      openid                                 | -     | -  | TRANSACTION      | -           | -                                   | deny
      user/Observation.rx                    | -     | -  | READ             | Observation | -                                   | deny
      user/Observation.sr                    | -     | -  | READ             | Observation | -                                   | deny
      user/observation.rs                    | -     | -  | READ             | Observation | -                                   | deny
      patient/Observation.read?category=x    | pat-1 | -  | READ             | Observation | -                                   | deny
      Observation.read                       | -     | -  | READ             | Observation | -                                   | deny
      """;

  static Stream<Arguments> matrix() {
    List<Arguments> rows = new ArrayList<>();
    for (String line : MATRIX.strip().split("\n")) {
      String[] cells = line.split("\\|");
      List<String> c = new ArrayList<>();
      for (String cell : cells) {
        c.add(cell.trim());
      }
      rows.add(Arguments.of(c.get(0), c.get(1), c.get(2), Interaction.valueOf(c.get(3)), c.get(4), c.get(5), c.get(6)));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "[{0}] ctx={1} roles={2}: {3} {4} {5} -> {6}")
  @MethodSource("matrix")
  void scopeMatrix(String scopes, String patient, String roles, Interaction interaction, String type, String query,
      String expected) {
    Principal principal = principal(scopes, patient, roles);
    AccessDecision d = POLICY.decide(principal, interaction, "-".equals(type) ? null : type, query(query));
    String actual;
    if (!d.allowed()) {
      actual = "deny";
    } else {
      String where = d.compartmentRestricted() ? "patient" : "";
      String restricted = d.restrictions().isEmpty() ? "" : "restricted:" + d.restrictions().size();
      actual = where.isEmpty() && restricted.isEmpty() ? "allow"
          : where.isEmpty() ? restricted : restricted.isEmpty() ? where : where + "+" + restricted;
    }
    assertEquals(expected, actual, d.reason());
    if (d.compartmentRestricted()) {
      assertEquals("pat-1", d.patient());
    }
    assertTrue(d.reason() != null && !d.reason().isBlank());
  }

  @Test
  void restrictionsAreHandedToTheFhirLayerVerbatim() {
    AccessDecision d = POLICY.decide(principal(
        "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory&status=final",
        "pat-1", "-"), Interaction.SEARCH, "Observation");
    assertEquals(List.of(Map.of("category", List.of("http://terminology.hl7.org/CodeSystem/observation-category|laboratory"),
        "status", List.of("final"))), d.restrictions());
    assertEquals("pat-1", d.patient());
  }

  @Test
  void v1ScopesNormaliseToV2Permissions() {
    assertEquals("rs", SmartScopes.parseOne("patient/*.read").letters());
    assertEquals("cud", SmartScopes.parseOne("user/Patient.write").letters());
    assertEquals("cruds", SmartScopes.parseOne("user/*.*").letters());
    assertEquals("cruds", SmartScopes.parseOne("user/*.cruds").letters());
    assertEquals("r", SmartScopes.parseOne("system/Patient.r").letters());
    assertEquals(SmartScope.Context.SYSTEM, SmartScopes.parseOne("system/Patient.r").context());
    assertNull(SmartScopes.parseOne("user/Patient.sr"), "v2 letters must be in c r u d s order");
    assertNull(SmartScopes.parseOne("user/Patient.rr"));
    assertNull(SmartScopes.parseOne("user/Patient.read?x=1"), "restrictions are v2 only");
    assertNull(SmartScopes.parseOne("user/Patient.rs?"));
    assertNull(SmartScopes.parseOne("admin/Patient.rs"));

    SmartScopes parsed = SmartScopes.parse("  openid fhirUser   launch/patient offline_access patient/Observation.rs bogus ");
    assertEquals(1, parsed.resourceScopes().size());
    assertEquals(List.of("openid", "fhirUser", "launch/patient", "offline_access"), parsed.otherScopes());
    assertEquals(List.of("bogus"), parsed.unrecognised());
  }

  @Test
  void aHugeScopeListIsCut() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add("user/Type" + (char) ('A' + i % 26) + ".r");
    }
    assertEquals(SmartScopes.MAX_SCOPES, SmartScopes.of(many).resourceScopes().size());
  }

  @Test
  void noPrincipalIsDeniedExceptCapabilities() {
    assertTrue(!POLICY.decide(null, Interaction.READ, "Patient").allowed());
    assertTrue(POLICY.decide(null, Interaction.CAPABILITIES, null).allowed());
  }

  static Principal principal(String scopes, String patient, String roles) {
    return new Principal("user-1", null, "app", "-".equals(scopes) ? SmartScopes.NONE : SmartScopes.parse(scopes),
        "-".equals(patient) ? null : patient, "-".equals(roles) ? Set.of() : Set.of(roles.split(",")),
        "https://idp", Instant.now().plusSeconds(300));
  }

  static Map<String, List<String>> query(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (!"-".equals(query)) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        out.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
      }
    }
    return out;
  }
}
