package io.bastion.fhir.format;

import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What XML costs a worker thread per request: a synthetic patient's Patient resource both ways, and a
 * 20-entry searchset of that patient's resources (Observations, Encounters, Conditions...) to XML.
 * Run: bench/jmh.sh -f 1 -wi 3 -i 5 FhirXmlConverterBenchmark
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FhirXmlConverterBenchmark {

  private FhirXmlConverter converter;
  private String patientJson;
  private byte[] patientXml;
  private String searchsetJson;

  @Setup(Level.Trial)
  public void setUp() {
    converter = new FhirXmlConverter(128);
    List<NewResource> resources = new SyntheticPatients(7).patient(0);
    patientJson = resources.get(0).resource().put("id", resources.get(0).id()).encode();
    JsonArray entries = new JsonArray();
    for (int n = 0; entries.size() < 20; n++) {
      for (NewResource resource : new SyntheticPatients(7).patient(n)) {
        if (entries.size() < 20) {
          entries.add(new JsonObject().put("fullUrl", "http://localhost/fhir/" + resource.type() + "/" + resource.id())
              .put("resource", resource.resource().copy().put("id", resource.id()))
              .put("search", new JsonObject().put("mode", "match")));
        }
      }
    }
    searchsetJson = new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("entry", entries).encode();
    patientXml = converter.jsonToXml(patientJson).getBytes(StandardCharsets.UTF_8);
    converter.xmlToJson(patientXml);
  }

  @Benchmark
  public String patientToXml() {
    return converter.jsonToXml(patientJson);
  }

  @Benchmark
  public String patientFromXml() {
    return converter.xmlToJson(patientXml);
  }

  @Benchmark
  public String searchsetOf20ToXml() {
    return converter.jsonToXml(searchsetJson);
  }
}
