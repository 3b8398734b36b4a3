package io.bastion.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: one instance per event loop, each with its own router over the shared, thread-safe
 * objects in {@link Gateway}. A request stays on its event loop from accept to response. On undeploy the
 * server stops accepting and lets in-flight requests finish, up to http.drain-timeout-seconds.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final Gateway gateway;
  private HttpServer server;

  public GatewayVerticle(Gateway gateway) {
    this.gateway = gateway;
  }

  /**
   * Forward-secret AEAD suites only (Mozilla's "intermediate" profile): the TLS 1.3 suites, and for TLS 1.2
   * ECDHE with AES-GCM or ChaCha20-Poly1305. No CBC, no RSA key exchange, no SHA-1 MACs.
   */
  static final List<String> MODERN_CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Longest value of one form field (POST _search, the token endpoint's form). */
  static final int MAX_FORM_VALUE_BYTES = 64 * 1024;

  @Override
  public Future<?> start() {
    HttpConfig http = gateway.http();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setMaxHeaderSize(http.maxHeaderBytes())
        .setMaxInitialLineLength(http.maxInitialLineBytes())
        .setIdleTimeout(http.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        // POST _search exists for queries too long for a URL: one value (a list of codes or ids) may pass the
        // 8 KiB Vert.x allows by default; the body limit still bounds the whole form
        .setMaxFormAttributeSize(MAX_FORM_VALUE_BYTES)
        .setCompressionSupported(false)
        .setDecompressionSupported(false);
    if (http.tls()) {
      options.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(http.tlsCertFile().toString())
              .setKeyPath(http.tlsKeyFile().toString()))
          .setUseAlpn(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      options.getSslOptions().setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.3", "TLSv1.2"));
      MODERN_CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }
    server = vertx.createHttpServer(options).requestHandler(gateway.router(vertx));
    return server.listen().onSuccess(s -> gateway.boundPort(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    int drain = gateway.http().drainTimeoutSeconds();
    return server.shutdown(drain, TimeUnit.SECONDS)
        .onFailure(e -> LOG.warn("gateway drain ended with {}", e.toString()));
  }
}
