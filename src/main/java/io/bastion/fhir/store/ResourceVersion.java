package io.bastion.fhir.store;

import java.time.Instant;

/**
 * One stored version of a resource.
 *
 * @param method the interaction that wrote it: POST, PUT, PATCH or DELETE (null where not loaded)
 * @param json   the resource as JSON text with id and meta filled in; null for a deletion
 */
public record ResourceVersion(String type, String id, int version, Instant lastUpdated, boolean deleted, String method,
    String json) {

  /** The same version shown as other JSON (a subset of it, for _summary and _elements). */
  public ResourceVersion withJson(String shown) {
    return new ResourceVersion(type, id, version, lastUpdated, deleted, method, shown);
  }
}
