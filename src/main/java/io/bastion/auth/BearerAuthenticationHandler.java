package io.bastion.auth;

import io.bastion.gateway.RequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step 6a: reads {@code Authorization: Bearer <token>}, verifies it with the
 * {@link TokenVerifier} and stores the {@link Principal} in the routing context, or answers 401 with a
 * {@code WWW-Authenticate} challenge ({@link BearerChallenge}). An {@link AuthenticationHandler}, so the
 * router refuses a route that puts it after an authorisation or user handler.
 * <p>
 * Counts every outcome in {@code bastion.auth.tokens{outcome}} (a fixed label set: "accepted" or a
 * {@link TokenFailure} code) and logs refusals with the request id and the reason, never the token. With
 * {@link #audited}, every refusal is also recorded in the audit trail before it is answered; the refusal
 * goes out even when the trail cannot take the record (a 401 carries no data to protect).
 */
public final class BearerAuthenticationHandler implements AuthenticationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticationHandler.class);
  private static final String PREFIX = "Bearer ";

  private final TokenVerifier verifier;
  private final Set<String> publicPaths;
  private final long retryAfterSeconds;
  private final Counter accepted;
  private final Map<TokenFailure, Counter> refused = new EnumMap<>(TokenFailure.class);
  private RefusedTokenAudit audit;

  private BearerAuthenticationHandler(TokenVerifier verifier, MeterRegistry registry, Set<String> publicPaths) {
    this.verifier = verifier;
    this.publicPaths = Set.copyOf(publicPaths);
    this.retryAfterSeconds = verifier.config().jwksBreakerReset().toSeconds();
    this.accepted = Counter.builder("bastion.auth.tokens").tag("outcome", "accepted")
        .description("Bearer tokens presented, by outcome").register(registry);
    for (TokenFailure failure : TokenFailure.values()) {
      refused.put(failure, Counter.builder("bastion.auth.tokens").tag("outcome", failure.code())
          .description("Bearer tokens presented, by outcome").register(registry));
    }
  }

  public static BearerAuthenticationHandler create(TokenVerifier verifier, MeterRegistry registry) {
    return new BearerAuthenticationHandler(verifier, registry, Set.of());
  }

  /**
   * @param publicPaths exact normalised paths served without a token (SMART clients read
   *                    {@code /fhir/metadata} before they hold one); a token sent there is ignored
   */
  public static BearerAuthenticationHandler create(TokenVerifier verifier, MeterRegistry registry, Set<String> publicPaths) {
    return new BearerAuthenticationHandler(verifier, registry, publicPaths);
  }

  /** Records every refusal in the audit trail (set once, before the handler serves requests). */
  public BearerAuthenticationHandler audited(RefusedTokenAudit audit) {
    this.audit = audit;
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (publicPaths.contains(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    List<String> headers = ctx.request().headers().getAll("Authorization");
    if (headers.isEmpty()) {
      refuse(ctx, TokenFailure.MISSING);
      return;
    }
    String header = headers.get(0);
    if (headers.size() > 1) {
      refuse(ctx, TokenFailure.BAD_REQUEST);
      return;
    }
    if (header.length() < PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      // another scheme (Basic, ...) is not a bearer token at all; a bare "Bearer" is a broken one
      refuse(ctx, header.trim().equalsIgnoreCase("Bearer") ? TokenFailure.BAD_REQUEST : TokenFailure.MISSING);
      return;
    }
    String token = header.substring(PREFIX.length()).trim();
    if (token.isEmpty() || token.indexOf(' ') >= 0) {
      refuse(ctx, TokenFailure.BAD_REQUEST);
      return;
    }
    Future<Principal> verified = verifier.verify(token);
    boolean paused = !verified.isComplete() && !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause(); // the body waits for the key fetch; BodyHandler resumes it
    }
    verified.onComplete(result -> {
      if (paused) {
        ctx.request().resume();
      }
      if (result.succeeded()) {
        accepted.increment();
        result.result().attach(ctx);
        ctx.next();
      } else {
        refuse(ctx, result.cause() instanceof TokenException e ? e.reason() : TokenFailure.BAD_SIGNATURE);
      }
    });
  }

  private void refuse(RoutingContext ctx, TokenFailure reason) {
    refused.get(reason).increment();
    if (reason != TokenFailure.MISSING) {
      RequestContext request = RequestContext.of(ctx);
      LOG.info("request {} bearer token refused: {}", request == null ? "-" : request.requestId(), reason.code());
    }
    if (audit == null) {
      BearerChallenge.refuse(ctx, reason, retryAfterSeconds);
      return;
    }
    audit.record(ctx, reason).onComplete(recorded -> {
      if (recorded.failed()) {
        LOG.warn("request {}: the refused token could not be audited ({})",
            RequestContext.of(ctx) == null ? "-" : RequestContext.of(ctx).requestId(),
            recorded.cause().getClass().getSimpleName());
      }
      BearerChallenge.refuse(ctx, reason, retryAfterSeconds);
    });
  }
}
