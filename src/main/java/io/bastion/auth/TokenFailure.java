package io.bastion.auth;

/**
 * Why a bearer token was refused. The code is stable (logs, metric labels); the description is safe to
 * send to the client in {@code WWW-Authenticate} (no token content, no key material, no quotes).
 */
public enum TokenFailure {
  MISSING("missing", "no bearer token was presented"),
  BAD_REQUEST("bad_authorization_header", "the Authorization header is not a single Bearer token"),
  OVERSIZED("oversized", "the token is larger than this server accepts"),
  MALFORMED("malformed", "the token is not a well-formed signed JWT"),
  ALG_NONE("alg_none", "unsigned tokens are not accepted"),
  ALG_NOT_ALLOWED("alg_not_allowed", "the token's signature algorithm is not accepted"),
  UNSUPPORTED_HEADER("unsupported_header", "the token carries a critical header this server does not understand"),
  ALG_KEY_MISMATCH("alg_key_mismatch", "the token's algorithm does not match its key"),
  UNKNOWN_KID("unknown_kid", "the token's signing key is not known"),
  BAD_SIGNATURE("bad_signature", "the token's signature is not valid"),
  MISSING_CLAIM("missing_claim", "the token lacks a required claim (exp, iss, aud, sub)"),
  EXPIRED("expired", "the token has expired"),
  NOT_YET_VALID("not_yet_valid", "the token is not valid yet"),
  WRONG_ISSUER("wrong_issuer", "the token was issued by an issuer this server does not trust"),
  WRONG_AUDIENCE("wrong_audience", "the token is not meant for this server"),
  KEYS_UNAVAILABLE("keys_unavailable", "the identity provider's keys cannot be fetched; retry later"),
  BUSY("busy", "too many new tokens are being checked at once; retry");

  private final String code;
  private final String description;

  TokenFailure(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** Stable snake_case reason code, for logs and metrics. */
  public String code() {
    return code;
  }

  /** Client-safe explanation, used as the WWW-Authenticate error_description. */
  public String description() {
    return description;
  }

  /** The HTTP status the refusal maps to: 503 when Bastion, not the token, is at fault. */
  public int status() {
    return switch (this) {
      case KEYS_UNAVAILABLE, BUSY -> 503;
      case BAD_REQUEST -> 400;
      default -> 401;
    };
  }
}
