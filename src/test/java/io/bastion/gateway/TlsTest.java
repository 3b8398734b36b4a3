package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.SelfSignedCertificate;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

  @Test
  void pemCertificateGivesHttp2WithHstsAndSecureCookies(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
    try (TestNode node = TestNode.startWithout(Map.of("http.tls.cert-file", cert.certFile().toString(),
        "http.tls.key-file", cert.keyFile().toString()))) {
      WebClient https = WebClient.create(node.node().vertx(), new WebClientOptions().setSsl(true).setTrustAll(true)
          .setVerifyHost(false).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)));
      try {
        var live = node.call(() -> https.get(node.port(), "localhost", "/health/live").send()).await();
        assertEquals(200, live.statusCode());
        assertEquals(HttpVersion.HTTP_2, live.version());
        assertTrue(live.getHeader("Strict-Transport-Security").startsWith("max-age=31536000"));

        var login = node.call(() -> https.post(node.port(), "localhost", "/admin/api/session")
            .sendJsonObject(new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD))).await();
        assertEquals(200, login.statusCode());
        assertTrue(login.getHeader("Set-Cookie").toLowerCase(Locale.ROOT).contains("secure"), login.getHeader("Set-Cookie"));
      } finally {
        https.close();
      }
    }
  }

  @Test
  void onlyTls12And13WithForwardSecretAeadSuitesAreOffered(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
    try (TestNode node = TestNode.startWithout(Map.of("http.tls.cert-file", cert.certFile().toString(),
        "http.tls.key-file", cert.keyFile().toString()))) {
      assertEquals("TLSv1.3", handshake(node.port(), new String[] {"TLSv1.3"}, null));
      assertEquals("TLSv1.2", handshake(node.port(), new String[] {"TLSv1.2"},
          new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}));
      assertEquals("refused", handshake(node.port(), new String[] {"TLSv1.2"},
          new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"}));
    }
  }

  /** The negotiated protocol, or "refused" when the server will not complete the handshake. */
  private static String handshake(int port, String[] protocols, String[] suites) throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
      }

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
      }

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
        .createSocket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(protocols);
      if (suites != null) {
        socket.setEnabledCipherSuites(suites);
      }
      socket.startHandshake();
      return socket.getSession().getProtocol();
    } catch (javax.net.ssl.SSLException refused) {
      return "refused";
    }
  }
}
