package io.bastion.backup;

import io.vertx.core.VerticleBase;

/**
 * Owns backup schedules, snapshots, journal shipping, verification and restore (a cluster-wide singleton).
 *
 * <p>Deployed from day one so the topology is the one DESIGN.md describes; it owns nothing yet, and binds
 * no address, until its capability lands (the backup issue).
 */
public final class BackupVerticle extends VerticleBase {
}
