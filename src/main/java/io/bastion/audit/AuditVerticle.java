package io.bastion.audit;

import io.vertx.core.VerticleBase;

/**
 * Owns the batched, hash-chained audit writer.
 *
 * <p>Deployed from day one so the topology is the one DESIGN.md describes; it owns nothing yet, and binds
 * no address, until its capability lands (the identity and audit issue).
 */
public final class AuditVerticle extends VerticleBase {
}
