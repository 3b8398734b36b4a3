package io.bastion.gateway;

import io.bastion.config.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Cross-origin access for browser-based SMART apps (the {@code http.cors:} section). No allowed origins:
 * no CORS headers at all, so browsers keep other origins out. {@code "*"} allows any origin, and then
 * never with credentials.
 *
 * @param allowedOrigins exact origins (scheme://host[:port]) or the single entry "*"
 */
public record CorsConfig(List<String> allowedOrigins, boolean allowCredentials, int maxAgeSeconds) {

  public CorsConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  public static CorsConfig read(ConfigReader r) {
    List<String> origins = r.list("http.cors.allowed-origins");
    for (String origin : origins) {
      if (!origin.equals("*") && !isOrigin(origin)) {
        r.problem("http.cors.allowed-origins", origin, "origins like https://app.example.org (scheme, host, optional port; no path), or *");
      }
    }
    boolean wildcard = origins.contains("*");
    if (wildcard && origins.size() > 1) {
      r.problem("http.cors.allowed-origins", String.join(",", origins), "either * alone or a list of origins");
    }
    boolean credentials = r.bool("http.cors.allow-credentials");
    if (wildcard && credentials) {
      r.problem("http.cors.allow-credentials", true, "false when allowed-origins is * (any site could act with the user's credentials)");
    }
    return new CorsConfig(origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList(), credentials,
        r.integer("http.cors.max-age-seconds", 0, 86_400));
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  public boolean anyOrigin() {
    return allowedOrigins.contains("*");
  }

  private static boolean isOrigin(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null && uri.getUserInfo() == null
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
