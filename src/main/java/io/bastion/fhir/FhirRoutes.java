package io.bastion.fhir;

import io.bastion.NodeInfo;
import io.bastion.gateway.RouteModule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * The FHIR R4 endpoint at /fhir. The CapabilityStatement lists exactly what is supported; until the
 * FHIR API issue lands that is the metadata interaction alone, with no resource types.
 */
public final class FhirRoutes implements RouteModule {

  public static final String FHIR_JSON = "application/fhir+json; charset=utf-8";
  private final NodeInfo node;
  private final String published = Instant.now().toString();

  public FhirRoutes(NodeInfo node) {
    this.node = node;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.get("/fhir/metadata").handler(this::capabilityStatement);
  }

  private void capabilityStatement(RoutingContext ctx) {
    JsonObject statement = new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("status", "active")
        .put("date", published)
        .put("kind", "instance")
        .put("software", new JsonObject().put("name", "Bastion").put("version", node.version()))
        .put("implementation", new JsonObject().put("description", "Bastion node " + node.id()))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add("application/fhir+json"))
        .put("rest", new JsonArray().add(new JsonObject().put("mode", "server").put("resource", new JsonArray())));
    ctx.response().putHeader("Content-Type", FHIR_JSON).end(statement.encode());
  }
}
