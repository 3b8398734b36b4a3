package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.auth.Interaction;
import io.bastion.fhir.FhirPaths.Target;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interaction and resource of a /fhir path, for refusals raised before any route ran. */
class FhirPathsTest {

  private static Target typed(Interaction interaction) {
    return new Target(interaction, false);
  }

  @Test
  void everyRouteFormNamesItsInteraction() {
    assertEquals(new Target(Interaction.SEARCH, true), FhirPaths.classify(HttpMethod.GET, "/fhir"));
    assertEquals(new Target(Interaction.TRANSACTION, true), FhirPaths.classify(HttpMethod.POST, "/fhir/"));
    assertEquals(new Target(Interaction.HISTORY, true), FhirPaths.classify(HttpMethod.GET, "/fhir/_history"));
    assertEquals(typed(Interaction.SEARCH), FhirPaths.classify(HttpMethod.GET, "/fhir/Observation"));
    assertEquals(typed(Interaction.SEARCH), FhirPaths.classify(HttpMethod.POST, "/fhir/Observation/_search"));
    assertEquals(typed(Interaction.SEARCH), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1/Observation"));
    assertEquals(typed(Interaction.CREATE), FhirPaths.classify(HttpMethod.POST, "/fhir/Patient"));
    assertEquals(typed(Interaction.UPDATE), FhirPaths.classify(HttpMethod.PUT, "/fhir/Patient"));
    assertEquals(typed(Interaction.DELETE), FhirPaths.classify(HttpMethod.DELETE, "/fhir/Patient"));
    assertEquals(typed(Interaction.READ), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1"));
    assertEquals(typed(Interaction.UPDATE), FhirPaths.classify(HttpMethod.PUT, "/fhir/Patient/p1"));
    assertEquals(typed(Interaction.PATCH), FhirPaths.classify(HttpMethod.PATCH, "/fhir/Patient/p1"));
    assertEquals(typed(Interaction.DELETE), FhirPaths.classify(HttpMethod.DELETE, "/fhir/Patient/p1"));
    assertEquals(typed(Interaction.HISTORY), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/_history"));
    assertEquals(typed(Interaction.HISTORY_INSTANCE), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1/_history"));
    assertEquals(typed(Interaction.VREAD), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1/_history/2"));
    assertEquals(typed(Interaction.EVERYTHING), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1/$everything"));
    assertEquals(new Target(Interaction.EXPORT, true), FhirPaths.classify(HttpMethod.GET, "/fhir/$export"));
    assertEquals(typed(Interaction.EXPORT), FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/$export"));
  }

  @Test
  void metadataAndPathsNoRouteServesNameNothing() {
    assertNull(FhirPaths.classify(HttpMethod.GET, "/fhir/metadata"));
    assertNull(FhirPaths.classify(HttpMethod.GET, "/admin/api/users"));
    assertNull(FhirPaths.classify(HttpMethod.GET, "/fhirx/Patient"));
    assertNull(FhirPaths.classify(HttpMethod.PATCH, "/fhir/Patient"));
    assertNull(FhirPaths.classify(HttpMethod.GET, "/fhir/Patient/p1/_history/2/extra"));
    assertNull(FhirPaths.classify(HttpMethod.DELETE, "/fhir/_history"));
  }

  @Test
  void targetsComeFromThePathAlone() {
    assertEquals(List.of(Entity.patient("p1"), Entity.resource("Patient/p1")),
        FhirPaths.targets("/fhir/Patient/p1/_history/3"));
    assertEquals(List.of(Entity.resource("Observation/o1")), FhirPaths.targets("/fhir/Observation/o1"));
    assertEquals(List.of(Entity.resource("Observation")), FhirPaths.targets("/fhir/Observation/_search"));
    assertEquals(List.of(), FhirPaths.targets("/fhir/_history"));
    assertEquals(List.of(), FhirPaths.targets("/fhir"));
    assertEquals(List.of(Entity.resource("Patient")), FhirPaths.targets("/fhir/Patient/not%20an%20id"));
  }
}
