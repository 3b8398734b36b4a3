package io.bastion.load;

import io.vertx.core.VerticleBase;

/**
 * Owns load-test runs started from the dashboard or CLI (distributed in cluster mode).
 *
 * <p>Deployed from day one so the topology is the one DESIGN.md describes; it owns nothing yet, and binds
 * no address, until its capability lands (the load-orchestrator issue).
 */
public final class LoadVerticle extends VerticleBase {
}
