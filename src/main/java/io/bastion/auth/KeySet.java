package io.bastion.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of verification keys (static keys plus the last JWKS) and the {@link JWTAuth} built
 * from them. Replaced as a whole when the JWKS is refetched, so a verification sees one consistent set.
 * Never builds a JWTAuth from zero keys: vertx-auth-jwt then runs in "unsecured" mode and accepts
 * unsigned tokens.
 */
final class KeySet {

  /** Where a token's (alg, kid) leads in this set. */
  enum Lookup { FOUND, ALG_MISMATCH, NOT_FOUND }

  static final KeySet EMPTY = new KeySet(null, Map.of(), Set.of(), Set.of(), 0, -1);

  private final JWTAuth auth;
  private final Map<String, String> algByKid;
  private final Set<String> algsWithoutKid;
  private final Set<String> algs;
  private final int size;
  /** Clock millis of the JWKS fetch this set includes; -1 when it holds no fetched keys. */
  private final long fetchedAt;

  private KeySet(JWTAuth auth, Map<String, String> algByKid, Set<String> algsWithoutKid, Set<String> algs, int size,
      long fetchedAt) {
    this.auth = auth;
    this.algByKid = Map.copyOf(algByKid);
    this.algsWithoutKid = Set.copyOf(algsWithoutKid);
    this.algs = Set.copyOf(algs);
    this.size = size;
    this.fetchedAt = fetchedAt;
  }

  /**
   * Builds a set from JWKs that already carry "alg" (see {@link Jwks#normalise}).
   *
   * @param fetchedAt clock millis of the JWKS fetch, or -1 when only static keys are included
   */
  static KeySet of(Vertx vertx, List<JsonObject> jwks, long fetchedAt) {
    if (jwks.isEmpty()) {
      return fetchedAt < 0 ? EMPTY : new KeySet(null, Map.of(), Set.of(), Set.of(), 0, fetchedAt);
    }
    Map<String, String> byKid = new HashMap<>();
    Set<String> withoutKid = new HashSet<>();
    Set<String> algs = new HashSet<>();
    JWTAuthOptions options = new JWTAuthOptions()
        // expiry, issuer and audience are checked by TokenVerifier against an injected clock
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    for (JsonObject jwk : jwks) {
      String alg = jwk.getString("alg");
      String kid = jwk.getString("kid");
      if (kid == null) {
        withoutKid.add(alg);
      } else {
        byKid.putIfAbsent(kid, alg);
      }
      algs.add(alg);
      options.addJwk(jwk);
    }
    return new KeySet(JWTAuth.create(vertx, options), byKid, withoutKid, algs, jwks.size(), fetchedAt);
  }

  Lookup lookup(String alg, String kid) {
    if (kid != null) {
      String keyAlg = algByKid.get(kid);
      if (keyAlg != null) {
        return keyAlg.equals(alg) ? Lookup.FOUND : Lookup.ALG_MISMATCH;
      }
      return algsWithoutKid.contains(alg) ? Lookup.FOUND : Lookup.NOT_FOUND;
    }
    return algs.contains(alg) ? Lookup.FOUND : Lookup.NOT_FOUND;
  }

  JWTAuth auth() {
    return auth;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  long fetchedAt() {
    return fetchedAt;
  }
}
