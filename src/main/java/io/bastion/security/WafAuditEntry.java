package io.bastion.security;

import io.bastion.security.waf.MatchedRule;
import io.bastion.security.waf.Transaction;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One blocked transaction for the WAF audit log, in ModSecurity's audit-log parts: A (header: time, request
 * id, client), B (request line and headers), C (request body: its length only), F (response line and
 * headers), H (trailer: the rules that matched with their messages as written, tags, anomaly score, verdict).
 *
 * <p>Redacted, because requests carry PHI and credentials: header values except {@link #SAFE_HEADERS}, every
 * query-argument value and the body are never written; rule messages are the unexpanded {@code msg} text
 * (a {@code %{MATCHED_VAR}} stays a macro); matched variables are named, never valued.
 */
public final class WafAuditEntry {

  static final String REDACTED = "[redacted]";
  /** Header values that carry no personal data or secret and help an analyst; everything else is redacted. */
  static final Set<String> SAFE_HEADERS = Set.of("host", "content-type", "content-length", "accept", "accept-encoding",
      "accept-language", "connection", "user-agent", "x-request-id", "cache-control", "content-security-policy",
      "x-content-type-options", "x-frame-options", "referrer-policy", "strict-transport-security",
      "cross-origin-opener-policy", "cross-origin-resource-policy", "permissions-policy");

  /** What the gateway saw of the exchange (values redacted here, not by the caller). */
  public record Exchange(String requestId, String clientIp, long timeMillis, String method, String uri,
      String protocol, MultiMap requestHeaders, int bodyBytes, int status, MultiMap responseHeaders) {
  }

  private WafAuditEntry() {
  }

  public static JsonObject of(InlineWaf waf, Transaction tx, Exchange x) {
    JsonArray messages = new JsonArray();
    for (MatchedRule m : tx.matchedRules()) {
      if (!m.logged() || m.id() == 0) {
        continue;
      }
      messages.add(new JsonObject().put("id", m.id()).put("phase", m.phase())
          .put("msg", waf.compiled().rawMessage(m.id())).put("severity", m.severity())
          .put("tags", new JsonArray(m.tags())).put("variables", new JsonArray(m.matchedVars())));
    }
    return new JsonObject()
        .put("A", new JsonObject().put("time", Instant.ofEpochMilli(x.timeMillis()).toString())
            .put("requestId", x.requestId()).put("clientIp", x.clientIp()))
        .put("B", new JsonObject().put("requestLine", x.method() + " " + redactQuery(x.uri()) + " " + x.protocol())
            .put("headers", headers(x.requestHeaders())))
        .put("C", new JsonObject().put("bytes", x.bodyBytes()).put("body", x.bodyBytes() == 0 ? null : REDACTED))
        .put("F", new JsonObject().put("status", x.status()).put("headers", headers(x.responseHeaders())))
        .put("H", new JsonObject().put("action", "blocked").put("mode", InlineWaf.modeName(waf.mode()))
            .put("anomalyScore", tx.inboundAnomalyScore()).put("budgetExhausted", tx.evaluationBudgetExhausted())
            .put("interruptingRule", tx.interruption() == null ? null : tx.interruption().ruleId())
            .put("messages", messages));
  }

  /** The path as sent; every query-argument value replaced, names kept (they tell which argument was hit). */
  static String redactQuery(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return uri;
    }
    StringBuilder out = new StringBuilder(uri.length()).append(uri, 0, q + 1);
    String[] pairs = uri.substring(q + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      int eq = pairs[i].indexOf('=');
      out.append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq)).append('=').append(REDACTED);
    }
    return out.toString();
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject out = new JsonObject();
    if (headers == null) {
      return out;
    }
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      String value = SAFE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? h.getValue() : REDACTED;
      Object seen = out.getValue(name);
      if (seen == null) {
        out.put(name, value);
      } else if (seen instanceof JsonArray list) {
        list.add(value);
      } else {
        out.put(name, new JsonArray().add(seen).add(value));
      }
    }
    return out;
  }
}
