package io.bastion.auth.server;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A token request's form parameters (RFC 6749 section 4.4, RFC 7523 section 2.2) and its client
 * credentials: a client assertion, HTTP Basic ({@code client_secret_basic}) or a form secret
 * ({@code client_secret_post}). Exactly one way of authenticating; no parameter twice.
 */
record TokenRequest(String grantType, String scope, String assertion, String clientId, String secret, Method method) {

  enum Method { ASSERTION, SECRET_BASIC, SECRET_POST, NONE }

  private static final List<String> SINGLE = List.of("grant_type", "scope", "client_assertion_type", "client_assertion",
      "client_id", "client_secret");

  static TokenRequest parse(RoutingContext ctx) {
    String type = String.valueOf(ctx.request().getHeader("Content-Type"));
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw OAuthError.request("send the parameters as application/x-www-form-urlencoded");
    }
    MultiMap form = ctx.request().formAttributes();
    for (String name : SINGLE) {
      if (form.getAll(name).size() > 1) {
        throw OAuthError.request("a parameter is repeated");
      }
    }
    String grantType = form.get("grant_type");
    if (grantType == null || grantType.isEmpty()) {
      throw OAuthError.request("grant_type is required");
    }
    if (!"client_credentials".equals(grantType)) {
      throw OAuthError.of(OAuthError.UNSUPPORTED_GRANT_TYPE, "only client_credentials is supported");
    }
    String assertionType = form.get("client_assertion_type");
    String assertion = form.get("client_assertion");
    String formSecret = form.get("client_secret");
    String clientId = form.get("client_id");
    List<String> authorization = ctx.request().headers().getAll("Authorization");
    boolean basic = !authorization.isEmpty();
    int methods = (assertionType != null || assertion != null ? 1 : 0) + (basic ? 1 : 0) + (formSecret != null ? 1 : 0);
    if (methods > 1 || authorization.size() > 1) {
      throw OAuthError.request("use exactly one client authentication method");
    }
    if (assertionType != null || assertion != null) {
      if (!ClientAuthenticator.ASSERTION_TYPE.equals(assertionType) || assertion == null || assertion.isEmpty()) {
        throw OAuthError.request("client_assertion_type must be " + ClientAuthenticator.ASSERTION_TYPE
            + " with a client_assertion");
      }
      return new TokenRequest(grantType, form.get("scope"), assertion, clientId, null, Method.ASSERTION);
    }
    if (basic) {
      String[] credentials = basicCredentials(authorization.get(0));
      if (clientId != null && !clientId.equals(credentials[0])) {
        throw OAuthError.request("client_id differs from the Basic credentials");
      }
      return new TokenRequest(grantType, form.get("scope"), null, credentials[0], credentials[1], Method.SECRET_BASIC);
    }
    if (formSecret != null) {
      return new TokenRequest(grantType, form.get("scope"), null, clientId == null ? "" : clientId, formSecret,
          Method.SECRET_POST);
    }
    return new TokenRequest(grantType, form.get("scope"), null, clientId, null, Method.NONE);
  }

  /** RFC 6749 section 2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
  private static String[] basicCredentials(String header) {
    if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw OAuthError.client("unsupported_authorization_scheme");
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw OAuthError.client("malformed_basic_credentials");
      }
      return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      throw OAuthError.client("malformed_basic_credentials");
    }
  }

  /** The client id this request claims (before authentication), for the rate limit and the audit record. */
  String claimedClientId() {
    if (clientId != null && !clientId.isEmpty()) {
      return clientId;
    }
    if (assertion != null) {
      try {
        return com.nimbusds.jwt.JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
      } catch (java.text.ParseException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
