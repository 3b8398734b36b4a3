package io.bastion.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;

/** Knows which configuration values are secrets, and hides them wherever configuration is shown. */
public final class Secrets {

  public static final String REDACTED = "<redacted>";
  private static final Pattern URL_PASSWORD = Pattern.compile("(?<=://)([^:@/]*):([^@/]*)@");

  private Secrets() {
  }

  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("token") || k.contains("secret") || k.endsWith("-key");
  }

  /** postgresql://user:pw@host/db becomes postgresql://user:<redacted>@host/db. */
  public static String redactUrl(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1:" + REDACTED + "@");
  }

  static JsonObject redact(JsonObject tree) {
    JsonObject out = new JsonObject();
    for (String key : tree.fieldNames()) {
      Object value = tree.getValue(key);
      if (value instanceof JsonObject nested) {
        out.put(key, redact(nested));
      } else if (isSecretKey(key) && value != null && !value.toString().isEmpty()) {
        out.put(key, REDACTED);
      } else if (value instanceof String text && text.contains("://")) {
        out.put(key, redactUrl(text));
      } else {
        out.put(key, value);
      }
    }
    return out;
  }
}
