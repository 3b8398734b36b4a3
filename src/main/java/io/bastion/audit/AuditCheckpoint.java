package io.bastion.audit;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement "the chain had {@code seq} records, and record {@code seq} had this hash".
 *
 * @param id row id, 0 before it is stored
 */
public record AuditCheckpoint(long id, long seq, byte[] hash, String node, Instant signedAt, byte[] publicKey,
    byte[] signature) {

  /** The exact bytes signed: canonical JSON of seq, hash (hex), node and signedAt (ISO-8601, milliseconds). */
  public static byte[] payload(long seq, byte[] hash, String node, Instant signedAt) {
    JsonObject payload = new JsonObject().put("seq", seq).put("hash", ChainHash.hex(hash)).put("node", node)
        .put("signedAt", signedAt.toString());
    return CanonicalJson.encode(payload).getBytes(StandardCharsets.UTF_8);
  }

  public byte[] payload() {
    return payload(seq, hash, node, signedAt);
  }

  /** For the dashboard's checkpoint list and the CLI. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("seq", seq).put("hash", ChainHash.hex(hash)).put("node", node)
        .put("signedAt", signedAt.toString()).put("key", AuditKeys.fingerprint(publicKey));
  }
}
