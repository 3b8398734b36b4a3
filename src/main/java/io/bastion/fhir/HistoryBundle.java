package io.bastion.fhir;

import io.bastion.fhir.store.HistoryPage;
import io.bastion.fhir.store.ResourceVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Renders a history page as a Bundle of type history. Resource bodies are spliced in as the JSON text
 * PostgreSQL returned, so a page is never decoded and re-encoded.
 */
final class HistoryBundle {

  private HistoryBundle() {
  }

  static String render(String base, String self, String next, HistoryPage page, Instant now) {
    JsonArray links = new JsonArray().add(new JsonObject().put("relation", "self").put("url", self));
    if (next != null) {
      links.add(new JsonObject().put("relation", "next").put("url", next));
    }
    JsonObject head = new JsonObject()
        .put("resourceType", "Bundle")
        .put("meta", new JsonObject().put("lastUpdated", now.toString()))
        .put("type", "history");
    if (page.total() != null) {
      head.put("total", page.total());
    }
    head.put("link", links);
    String encoded = head.encode();
    if (page.entries().isEmpty()) {
      return encoded; // FHIR JSON has no empty arrays
    }
    StringBuilder out = new StringBuilder(encoded.length() + 512 * page.entries().size());
    out.append(encoded, 0, encoded.length() - 1).append(",\"entry\":[");
    boolean first = true;
    for (ResourceVersion version : page.entries()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      String entry = entry(base, version).encode();
      if (version.json() == null) {
        out.append(entry);
      } else {
        out.append(entry, 0, entry.length() - 1).append(",\"resource\":").append(version.json()).append('}');
      }
    }
    return out.append("]}").toString();
  }

  private static JsonObject entry(String base, ResourceVersion version) {
    String path = version.type() + "/" + version.id();
    String method = version.method();
    String status = switch (method) {
      case "DELETE" -> "204 No Content";
      case "POST" -> "201 Created";
      default -> version.version() == 1 ? "201 Created" : "200 OK";
    };
    return new JsonObject()
        .put("fullUrl", base + "/" + path)
        .put("request", new JsonObject().put("method", method).put("url", "POST".equals(method) ? version.type() : path))
        .put("response", new JsonObject().put("status", status).put("etag", FhirHeaders.etag(version.version()))
            .put("lastModified", version.lastUpdated().toString()));
  }
}
