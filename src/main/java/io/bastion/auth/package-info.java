/**
 * API authentication and authorisation: OAuth2 bearer JWTs and SMART App Launch scopes.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.bastion.auth.AuthConfig}: the {@code auth:} section of conf/bastion.yaml.</li>
 *   <li>{@link io.bastion.auth.TokenVerifier}: token to {@link io.bastion.auth.Principal}, or a
 *       {@link io.bastion.auth.TokenException} with a {@link io.bastion.auth.TokenFailure} reason.
 *       Keys come from the identity provider's JWKS ({@code KeyRing}: cached, refetched on an unknown kid
 *       at most once per interval, circuit-broken) and/or static PEM files and an HS256 secret.</li>
 *   <li>{@link io.bastion.auth.LocalIssuer}: Bastion as its own issuer (base URL, audience, the public half of
 *       its signing keys); tokens whose {@code iss} is Bastion are verified against it in-process, alongside
 *       the external provider's. The token endpoint itself is {@code io.bastion.auth.server}.</li>
 *   <li>{@link io.bastion.auth.SmartScopes}: v1 and v2 scope parsing, normalised to v2 permissions.</li>
 *   <li>{@link io.bastion.auth.AccessPolicy}: (principal, interaction, type, query) to an
 *       {@link io.bastion.auth.AccessDecision}: allow or deny with a reason, plus the patient compartment
 *       and search restrictions the FHIR layer must enforce.</li>
 *   <li>{@link io.bastion.auth.BearerAuthenticationHandler} (pipeline step 6, an
 *       {@code AuthenticationHandler}) and {@link io.bastion.auth.SmartScopeHandler} (per route, an
 *       {@code AuthorizationHandler}); {@link io.bastion.auth.BearerChallenge} renders 401/403.</li>
 * </ul>
 *
 * <h2>Limits and their reasons</h2>
 * <ul>
 *   <li><b>Algorithm allow-list</b> (default RS256, ES256, EdDSA): the token's {@code alg} is checked before
 *       any key is touched; {@code none} is refused by name in any case; HS256 exists only when a secret is
 *       configured. Keys are indexed by algorithm and a kid's key must have the token's algorithm, so an
 *       HS256 token can never be checked with an RSA public key as the HMAC secret (key confusion).</li>
 *   <li><b>No symmetric keys from a JWKS</b>: an "oct" key published by (or injected into) the provider's
 *       JWKS would let anyone who reads the JWKS mint tokens.</li>
 *   <li><b>Never zero keys in vertx-auth-jwt</b>: with no keys it runs "unsecured" and accepts unsigned tokens;
 *       the verifier refuses before calling it.</li>
 *   <li><b>Max token size</b> (8 KiB): refused before decoding; real access tokens are 1-2 KiB.</li>
 *   <li><b>Strict, canonical base64url</b>: one token has one spelling (no padding, no '+' '/', no set unused
 *       bits), so caches and audit fingerprints cannot be split.</li>
 *   <li><b>{@code crit} headers refused</b> (RFC 7515 4.1.11); {@code jku}, {@code x5u}, {@code jwk},
 *       {@code x5c} headers are ignored: keys only ever come from configuration.</li>
 *   <li><b>Clock skew</b> (default 60 s, at most 300 s) for exp, nbf and iat; exp, iss, aud and sub are
 *       required. Time comes from an injected {@link java.time.Clock}.</li>
 *   <li><b>JWKS</b>: https except on loopback; at most 256 KiB and 32 keys (a kid-less token may be tried
 *       against each key of its algorithm); cached for the TTL (1 h) and refreshed in the background,
 *       stale keys kept while the provider is down; an unknown kid refetches at most once per 60 s, so
 *       forged kids cannot flood the provider; 3 failed fetches open the circuit for 30 s, during which
 *       requests that need a fetch fail fast (503 with Retry-After when no key was ever loaded; 401
 *       unknown_kid when cached keys exist).</li>
 *   <li><b>Verified-token cache</b> (10,000 entries, by SHA-256, until exp): ES256/EdDSA checks cost
 *       hundreds of microseconds each with the JDK 17 providers; a reused token costs one hash. Only
 *       successes are cached; a key removed from the JWKS stops new tokens at once and cached ones at their
 *       exp, as with any stateless token.</li>
 *   <li><b>Scopes</b>: at most 256 per token; unknown scopes are ignored (SMART asks for it) and listed;
 *       a decision is never broader than one granted scope; restricted scopes do not grant $everything or
 *       $export; patient/ scopes need a patient context and confine to its compartment; AuditEvent is
 *       read-only and needs the security-officer role.</li>
 *   <li><b>Nothing secret is logged</b>: refusals log the request id and the reason code; the token, claim
 *       values and key material never reach a log line, a metric label or an error body.</li>
 * </ul>
 */
package io.bastion.auth;
