package io.bastion;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.FreePort;
import io.bastion.testsupport.TestStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real `bastion serve` process gets SIGTERM while a slow request is in flight: the request completes. */
class ShutdownDrainTest {

  @Test
  void sigtermDrainsAnInFlightSlowRequest(@TempDir Path dataDir) throws Exception {
    int port = FreePort.next();
    Path log = dataDir.resolve("node.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Bastion.class.getName(), "serve"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("BASTION_HTTP_PORT", String.valueOf(port));
    builder.environment().put("BASTION_POSTGRES_URL", TestStores.newDatabase());
    builder.environment().put("BASTION_REDIS_MODE", "off");
    builder.environment().put("BASTION_ADMIN_PASSWORD", "drain-test-password");
    builder.environment().put("BASTION_NODE_DATA_DIR", dataDir.toString());
    builder.environment().put("BASTION_HTTP_DRAIN_TIMEOUT_SECONDS", "10");
    Process node = builder.start();
    try {
      awaitLive(port, node, log);
      String body = "{\"username\":\"admin\",\"password\":\"drain-test-password\"}";
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", port), 2000);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /admin/api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(300);

        node.destroy(); // SIGTERM
        Thread.sleep(1000);
        assertTrue(node.isAlive(), "the node must wait for the in-flight request");
        assertFalse(TestStores.listening("localhost", port), "no new connections once draining");

        out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
        out.flush();
        String response = readResponse(socket.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"username\":\"admin\""), response);
      }
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node exits after draining");
      String output = Files.readString(log);
      assertTrue(output.contains("shutdown requested"), output);
      assertTrue(output.contains("stopped"), output);
    } finally {
      node.destroyForcibly();
    }
  }

  private static void awaitLive(int port, Process node, Path log) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertTrue(node.isAlive(), () -> "node exited: " + read(log));
      try {
        var response = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("node did not become ready: " + read(log));
  }

  /** Reads one response with a Content-Length body. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      buffer.write(b);
      String text = buffer.toString(StandardCharsets.UTF_8);
      int headersEnd = text.indexOf("\r\n\r\n");
      if (headersEnd > 0) {
        var matcher = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        if (matcher.find() && text.length() - headersEnd - 4 >= Integer.parseInt(matcher.group(1))) {
          return text;
        }
      }
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
