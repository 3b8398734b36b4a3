package io.bastion.security;

import io.vertx.core.VerticleBase;

/**
 * Owns intrusion scoring, bans, threat feeds, SIEM export and WAF rule reload.
 *
 * <p>Deployed from day one so the topology is the one DESIGN.md describes; it owns nothing yet, and binds
 * no address, until its capability lands (the WAF and traffic-protection issues).
 */
public final class SecurityVerticle extends VerticleBase {
}
