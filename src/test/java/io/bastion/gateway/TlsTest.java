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
        var live = https.get(node.port(), "localhost", "/health/live").send().await();
        assertEquals(200, live.statusCode());
        assertEquals(HttpVersion.HTTP_2, live.version());
        assertTrue(live.getHeader("Strict-Transport-Security").startsWith("max-age=31536000"));

        var login = https.post(node.port(), "localhost", "/admin/api/session")
            .sendJsonObject(new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD)).await();
        assertEquals(200, login.statusCode());
        assertTrue(login.getHeader("Set-Cookie").toLowerCase(Locale.ROOT).contains("secure"), login.getHeader("Set-Cookie"));
      } finally {
        https.close();
      }
    }
  }
}
