package io.bastion.api.cache;

import io.vertx.core.VerticleBase;

/**
 * Owns L2 (Redis) cache coordination, invalidation fan-out and cache statistics.
 *
 * <p>Deployed from day one so the topology is the one DESIGN.md describes; it owns nothing yet, and binds
 * no address, until its capability lands (the caching issue).
 */
public final class CacheVerticle extends VerticleBase {
}
