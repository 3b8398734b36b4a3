/**
 * Bastion's own authorisation server for backend services (SMART Backend Services, OAuth2 client
 * credentials); docs/identity.md has the whole picture.
 *
 * <ul>
 *   <li>{@link io.bastion.auth.server.AuthServer}: assembles the pieces; built by the composition root.</li>
 *   <li>{@link io.bastion.auth.server.TokenEndpoint}: {@code POST /auth/token}, {@code /.well-known/jwks.json},
 *       {@code /.well-known/smart-configuration}; RFC 6749 errors; every token request audited.</li>
 *   <li>{@code ClientAuthenticator}: private_key_jwt assertions (against the client's JWKS or jwks_uri,
 *       {@code ClientJwks}; jti replay store {@code ReplayStore}) and Argon2id-hashed secrets.</li>
 *   <li>{@code ScopeGrant}: requested scopes within the granted ones; {@code TokenIssuer}: signs the access
 *       token; {@code TokenRateLimiter}: requests per client per minute.</li>
 *   <li>{@link io.bastion.auth.server.SigningKeys}: the rotating key ring in PostgreSQL, private keys sealed by
 *       {@code SigningKeySealer}, published to {@link io.bastion.auth.LocalIssuer}.</li>
 *   <li>{@link io.bastion.auth.server.ClientService} over {@link io.bastion.auth.server.ClientRegistry}: client
 *       management, audited, for the dashboard ({@code admin.ClientAdminRoutes}) and the CLI
 *       ({@link io.bastion.auth.server.ClientVerticle} on {@link io.bastion.auth.server.ClientAddresses}).</li>
 * </ul>
 */
package io.bastion.auth.server;
