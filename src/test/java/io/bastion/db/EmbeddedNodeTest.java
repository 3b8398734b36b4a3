package io.bastion.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.testsupport.FreePort;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded-PostgreSQL path, forced even though a server listens on 5432 (CI runs it every time). */
class EmbeddedNodeTest {

  @Test
  void nodeRunsOnEmbeddedPostgresAndKeepsDataAcrossRestarts(@TempDir Path pgDir) {
    Map<String, String> settings = Map.of("postgres.mode", "embedded",
        "postgres.embedded.port", String.valueOf(FreePort.next()),
        "postgres.embedded.data-dir", pgDir.toString());
    try (TestNode node = TestNode.startWithout(settings)) {
      assertEquals(PostgresServer.Source.EMBEDDED, node.node().postgres().source());
      var ready = node.get("/health/ready");
      assertEquals(200, ready.statusCode());
      assertEquals("embedded", ready.bodyAsJsonObject().getJsonObject("checks")
          .getJsonArray("postgres:connection").getJsonObject(0).getString("output"));
    }
    // Second start on the same directory: the admin created by the first start is still there,
    // so a different configured password does not replace it.
    Map<String, String> again = new java.util.HashMap<>(settings);
    again.put("admin.password", "another-password-456");
    try (TestNode node = TestNode.startWithout(again)) {
      var login = node.send(HttpMethod.POST, "/admin/api/session", Map.of("Content-Type", "application/json"),
          Buffer.buffer(new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD).encode()));
      assertEquals(200, login.statusCode());
    }
  }
}
