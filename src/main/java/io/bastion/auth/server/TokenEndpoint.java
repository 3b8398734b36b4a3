package io.bastion.auth.server;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.bastion.auth.LocalIssuer;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.bastion.gateway.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bastion's own authorisation server for backend services (SMART Backend Services, RFC 6749 client
 * credentials): {@code POST /auth/token}, its public keys at {@code /.well-known/jwks.json}, and its
 * description at {@code /.well-known/smart-configuration} (also under {@code /fhir}, where SMART clients
 * look). Every token request - issued or refused - is recorded in the audit trail; a token is not handed
 * out before its record is. Refusals follow RFC 6749 section 5.2 and never say which check failed.
 */
public final class TokenEndpoint implements RouteModule {

  static final long BODY_LIMIT = 16 * 1024;
  static final String JWKS_PATH = "/.well-known/jwks.json";
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  private static final int MAX_LOGGED_ID = 128;

  private final LocalIssuer issuer;
  private final SigningKeys keys;
  private final ClientAuthenticator authenticator;
  private final TokenIssuer tokens;
  private final TokenRateLimiter limiter;
  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  TokenEndpoint(LocalIssuer issuer, SigningKeys keys, ClientAuthenticator authenticator, TokenIssuer tokens,
      TokenRateLimiter limiter, AuditTrail trail, String node, Clock clock) {
    this.issuer = issuer;
    this.keys = keys;
    this.authenticator = authenticator;
    this.tokens = tokens;
    this.limiter = limiter;
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  @Override
  public Map<String, Long> bodyLimits() {
    return Map.of(LocalIssuer.TOKEN_PATH, BODY_LIMIT);
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.post(LocalIssuer.TOKEN_PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(this::token)
        .failureHandler(this::unreadable);
    router.route(LocalIssuer.TOKEN_PATH).handler(ctx -> {
      ctx.put("allowed-methods", "POST");
      ErrorRenderer.render(ctx, 405, "the token endpoint takes POST");
    });
    router.get(JWKS_PATH).handler(this::jwks);
    router.get("/.well-known/smart-configuration").handler(this::smartConfiguration);
    router.get("/fhir/.well-known/smart-configuration").handler(this::smartConfiguration);
  }

  private void token(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    TokenRequest request;
    try {
      request = TokenRequest.parse(ctx);
    } catch (OAuthError e) {
      refuse(ctx, e, null);
      return;
    }
    String claimed = request.claimedClientId();
    long retryAfter = limiter.retryAfter(claimed != null ? "client " + claimed : "ip " + clientIp(ctx));
    if (retryAfter > 0) {
      ctx.response().setStatusCode(429).putHeader("Retry-After", Long.toString(retryAfter));
      oauthJson(ctx, "temporarily_unavailable", "too many token requests for this client; retry later");
      return;
    }
    authenticate(request)
        .compose(client -> {
          List<String> scopes = ScopeGrant.decide(request.scope(), client.scopes());
          Future<Void> fresh = keys.rotationDue() ? keys.reload() : Future.succeededFuture();
          return fresh.map(v -> {
            JsonObject issued = tokens.issue(client, scopes);
            return new Issued(client, issued);
          });
        })
        .onComplete(done -> {
          if (done.succeeded()) {
            audit(ctx, done.result().client.clientId(), null).onComplete(recorded -> {
              if (recorded.succeeded()) {
                ctx.json(done.result().response);
              } else {
                ErrorRenderer.render(ctx, 503, "the audit trail is unavailable; try again later");
              }
            });
          } else if (done.cause() instanceof OAuthError refused) {
            refuse(ctx, refused, claimed);
          } else {
            ctx.fail(done.cause());
          }
        });
  }

  /**
   * A form the server could not decode: a parameter over the HTTP server's form-value limit (64 KiB; an assertion
   * over auth.max-token-bytes but under it is refused by {@link ClientAuthenticator}).
   */
  private void unreadable(RoutingContext ctx) {
    if (ctx.failure() instanceof java.io.IOException) {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.response().setStatusCode(400);
      oauthJson(ctx, OAuthError.INVALID_REQUEST, "the request or one of its parameters is larger than this server accepts");
    } else {
      ctx.next();
    }
  }

  private record Issued(ApiClient client, JsonObject response) {
  }

  private Future<ApiClient> authenticate(TokenRequest request) {
    return switch (request.method()) {
      case ASSERTION -> authenticator.byAssertion(request.assertion(), request.clientId());
      case SECRET_BASIC, SECRET_POST -> authenticator.bySecret(request.clientId(), request.secret());
      case NONE -> Future.failedFuture(OAuthError.client("no_client_authentication"));
    };
  }

  /** RFC 6749 section 5.2; invalid_client also gets a WWW-Authenticate challenge. Audited, then answered. */
  private void refuse(RoutingContext ctx, OAuthError error, String claimedClientId) {
    RequestContext request = RequestContext.of(ctx);
    LOG.info("request {} token refused: {} ({}) for client {}", request == null ? "-" : request.requestId(), error.error(),
        error.reason(), loggable(claimedClientId));
    Runnable answer = () -> {
      if (OAuthError.INVALID_CLIENT.equals(error.error())) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"bastion\", error=\"invalid_client\"");
      }
      ctx.response().setStatusCode(error.status());
      oauthJson(ctx, error.error(), error.getMessage());
    };
    if (!OAuthError.INVALID_CLIENT.equals(error.error()) && !OAuthError.INVALID_SCOPE.equals(error.error())) {
      answer.run(); // malformed requests name no client worth an audit record
      return;
    }
    audit(ctx, claimedClientId, error.reason()).onComplete(recorded -> answer.run());
  }

  private Future<Void> audit(RoutingContext ctx, String clientId, String failure) {
    RequestContext request = RequestContext.of(ctx);
    AuditRecord record = new AuditRecord(AuditCodes.USER_AUTHENTICATION, AuditCodes.LOGIN, AuditRecord.Action.E,
        clock.instant(), failure == null ? AuditRecord.Outcome.SUCCESS : AuditRecord.Outcome.MINOR_FAILURE,
        failure == null ? null : "token request refused: " + failure,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_APPLICATION, loggable(clientId), "backend-service", true,
            clientIp(ctx))),
        node, List.of(), request == null ? null : request.requestId());
    return trail.append(record);
  }

  private static void oauthJson(RoutingContext ctx, String error, String description) {
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("error_description", description).encode());
  }

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/jwk-set+json").putHeader("Cache-Control", "public, max-age=300")
        .end(keys.jwks().encode());
  }

  private void smartConfiguration(RoutingContext ctx) {
    String base = issuer.issuer();
    if (base == null) {
      ErrorRenderer.render(ctx, 503, "the node is still starting");
      return;
    }
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    ctx.json(new JsonObject()
        .put("issuer", base)
        .put("jwks_uri", base + JWKS_PATH)
        .put("token_endpoint", issuer.tokenEndpoint())
        .put("grant_types_supported", new JsonArray().add("client_credentials"))
        .put("token_endpoint_auth_methods_supported",
            new JsonArray().add("private_key_jwt").add("client_secret_basic").add("client_secret_post"))
        .put("token_endpoint_auth_signing_alg_values_supported",
            new JsonArray().add("RS384").add("ES384").add("RS256").add("ES256"))
        .put("scopes_supported", new JsonArray().add("system/*.rs").add("system/*.cruds").add("system/*.read")
            .add("system/*.write"))
        .put("capabilities", new JsonArray().add("client-confidential-asymmetric").add("client-confidential-symmetric")
            .add("permission-v1").add("permission-v2")));
  }

  private static String clientIp(RoutingContext ctx) {
    RequestContext request = RequestContext.of(ctx);
    return request == null ? ctx.request().remoteAddress().hostAddress() : request.clientIp();
  }

  /** A claimed client id is attacker-chosen text: printable ASCII, bounded, for logs and audit. */
  static String loggable(String clientId) {
    if (clientId == null || clientId.isEmpty()) {
      return "unknown";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < clientId.length() && out.length() < MAX_LOGGED_ID; i++) {
      char c = clientId.charAt(i);
      out.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
