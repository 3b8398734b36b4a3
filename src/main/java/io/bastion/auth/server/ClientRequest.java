package io.bastion.auth.server;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import io.bastion.auth.SmartScope;
import io.bastion.auth.SmartScopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A client registration as the dashboard and {@code bastion ctl clients add} send it, validated:
 * {@code {"name", "scopes": [...] or "a b", and one of "jwks": {...}, "jwksUri": "https://...",
 * "generateSecret": true}}. Backend services have no user or patient context, so only {@code system/}
 * scopes can be granted.
 */
public record ClientRequest(String name, List<String> scopes, JsonObject jwks, String jwksUri, boolean generateSecret) {

  static final int MAX_NAME = 100;
  static final int MAX_SCOPES = 50;
  static final int MAX_KEYS = 10;

  public static ClientRequest fromJson(JsonObject body) {
    Object name = body.getValue("name");
    if (!(name instanceof String text) || text.isBlank() || text.strip().length() > MAX_NAME
        || text.chars().anyMatch(Character::isISOControl)) {
      throw new ClientException(400, "name: 1-" + MAX_NAME + " characters, no control characters");
    }
    List<String> scopes = scopes(body.getValue("scopes"));
    Object jwks = body.getValue("jwks");
    Object uri = body.getValue("jwksUri");
    boolean secret = Boolean.TRUE.equals(body.getValue("generateSecret"));
    int credentials = (jwks != null ? 1 : 0) + (uri != null && !"".equals(uri) ? 1 : 0) + (secret ? 1 : 0);
    if (credentials != 1) {
      throw new ClientException(400, "give exactly one of jwks (a JWK Set), jwksUri or generateSecret: true");
    }
    JsonObject keySet = null;
    if (jwks != null) {
      keySet = jwks(jwks);
    }
    String jwksUri = uri instanceof String u && !u.isEmpty() ? jwksUri(u) : null;
    if (uri != null && !(uri instanceof String)) {
      throw new ClientException(400, "jwksUri: a URL");
    }
    return new ClientRequest(((String) name).strip(), scopes, keySet, jwksUri, secret);
  }

  private static List<String> scopes(Object value) {
    List<String> texts = new ArrayList<>();
    if (value instanceof String text) {
      texts.addAll(List.of(text.trim().split("\\s+")));
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String text)) {
          texts.clear();
          break;
        }
        texts.add(text.trim());
      }
    }
    texts.removeIf(String::isEmpty);
    SmartScopes parsed = SmartScopes.of(texts);
    boolean allSystem = parsed.resourceScopes().stream().allMatch(s -> s.context() == SmartScope.Context.SYSTEM);
    if (texts.isEmpty() || texts.size() > MAX_SCOPES || parsed.resourceScopes().size() != texts.size() || !allSystem) {
      throw new ClientException(400, "scopes: 1-" + MAX_SCOPES + " SMART system scopes, e.g. system/*.rs or system/Patient.read");
    }
    return texts.stream().distinct().toList();
  }

  /** Only public RSA and EC signature keys; a JWKS with a private or symmetric key is refused outright. */
  static JsonObject jwks(Object value) {
    if (!(value instanceof JsonObject object)) {
      throw new ClientException(400, "jwks: a JWK Set object {\"keys\": [...]}");
    }
    JWKSet set;
    try {
      set = JWKSet.parse(object.encode());
    } catch (ParseException e) {
      throw new ClientException(400, "jwks: not a valid JWK Set");
    }
    if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
      throw new ClientException(400, "jwks: 1-" + MAX_KEYS + " keys");
    }
    for (JWK key : set.getKeys()) {
      if (key.isPrivate() || !(KeyType.RSA.equals(key.getKeyType()) || KeyType.EC.equals(key.getKeyType()))) {
        throw new ClientException(400, "jwks: public RSA or EC keys only (never a private or symmetric key)");
      }
    }
    return new JsonObject(set.toJSONObject(true));
  }

  static String jwksUri(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
      if (host != null && uri.getUserInfo() == null && text.length() <= 2000
          && (scheme.equals("https") || (scheme.equals("http") && loopback))) {
        return text;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new ClientException(400, "jwksUri: an https URL without credentials (plain http only on a loopback host)");
  }
}
