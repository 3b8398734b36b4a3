package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bastion.Bastion;
import io.bastion.admin.NodeAddresses;
import io.bastion.db.DbAddresses;
import io.bastion.testsupport.FreePort;
import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** `bastion ctl status` in-process against a real node's ctl bridge. */
class CtlStatusTest {

  private static final String TOKEN = "ctl-test-token-0123456789";
  private static TestNode node;
  private static int ctlPort;
  private static final ListAppender<ILoggingEvent> bridgeLog = new ListAppender<>();

  @BeforeAll
  static void start() {
    Logger logger = (Logger) LoggerFactory.getLogger("io.bastion.admin.CtlBridge");
    bridgeLog.start();
    logger.addAppender(bridgeLog);
    ctlPort = FreePort.next();
    node = TestNode.start(Map.of("ctl.token", TOKEN, "ctl.port", String.valueOf(ctlPort)));
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("io.bastion.admin.CtlBridge")).detachAppender(bridgeLog);
    if (node != null) {
      node.close();
    }
  }

  @Test
  void goodTokenShowsTheNode() {
    CtlRun run = ctl("status", "--port", String.valueOf(ctlPort), "--token", TOKEN);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("test-node"), run.out());
    assertTrue(run.out().contains(node.node().info().version()), run.out());
    assertTrue(run.out().contains("postgres"), run.out());
    assertTrue(run.out().contains("redis"), run.out());
    assertTrue(run.out().contains("GatewayVerticle"), run.out());
    assertTrue(run.out().matches("(?s).*uptime\\s+\\d+h \\d+m \\d+s.*"), run.out());
    assertEquals("", run.err());
    assertFalse(run.out().contains(TOKEN));
  }

  @Test
  void jsonPrintsTheRawReply() {
    CtlRun run = ctl("status", "--json", "--port", String.valueOf(ctlPort), "--token", TOKEN);
    assertEquals(0, run.exit(), run.err());
    JsonObject status = new JsonObject(run.out());
    assertEquals("test-node", status.getString("node"));
    assertTrue(status.getJsonArray("verticles").stream()
        .anyMatch(v -> "GatewayVerticle".equals(((JsonObject) v).getString("name"))
            && ((JsonObject) v).getInteger("instances") == 2), run.out());
  }

  @Test
  void wrongTokenIsRefusedAndTheNodeStaysHealthy() {
    bridgeLog.list.clear();
    CtlRun run = ctl("status", "--port", String.valueOf(ctlPort), "--token", "wrong-token-0123456789");
    assertEquals(4, run.exit(), run.err());
    assertEquals("bastion ctl: the node refused the token", run.err().strip());
    assertEquals("", run.out());

    List<ILoggingEvent> refusals = List.copyOf(bridgeLog.list);
    assertEquals(1, refusals.size(), refusals.toString());
    assertEquals("WARN", refusals.get(0).getLevel().toString());
    assertTrue(refusals.get(0).getFormattedMessage().contains(NodeAddresses.STATUS));
    assertFalse(refusals.get(0).getFormattedMessage().contains("wrong-token"), "never log a presented token");

    assertEquals(200, node.get("/health/live").statusCode());
    assertEquals(0, ctl("status", "--port", String.valueOf(ctlPort), "--token", TOKEN).exit(), "the bridge still serves");
  }

  @Test
  void aConnectionAnnouncingAHugeFrameIsClosedBeforeItFillsTheHeap() throws Exception {
    bridgeLog.list.clear();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ctlPort)) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0}); // a frame of ~2 GB, no token yet
      byte[] chunk = new byte[64 * 1024];
      IOException closed = null;
      try {
        for (int i = 0; i < 1024; i++) { // up to 64 MiB: the node closes the connection long before
          out.write(chunk);
        }
      } catch (IOException e) {
        closed = e;
      }
      if (closed == null) {
        assertEquals(-1, socket.getInputStream().read(), "the node closed the connection");
      }
    }
    assertTrue(bridgeLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains("larger than")), bridgeLog.list.toString());
    assertEquals(0, ctl("status", "--port", String.valueOf(ctlPort), "--token", TOKEN).exit(), "the bridge still serves");
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsRefusedAtOnce() throws Exception {
    for (String body : List.of("1", "\"x\"", "[]", "[{}]")) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ctlPort)) {
        socket.setSoTimeout(5_000); // the consumer used to throw on the cast and never reply: the client waited
        byte[] frame = ("{\"type\":\"send\",\"address\":\"" + NodeAddresses.STATUS + "\",\"replyAddress\":\"r1\","
            + "\"headers\":{\"token\":\"" + TOKEN + "\"},\"body\":" + body + "}").getBytes(StandardCharsets.UTF_8);
        java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.length);
        out.write(frame);
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        byte[] reply = new byte[in.readInt()];
        in.readFully(reply);
        JsonObject answer = new JsonObject(new String(reply, StandardCharsets.UTF_8));
        assertEquals("err", answer.getString("type"), answer.encode());
        assertEquals("the body must be a JSON object", answer.getString("message"), body);
      }
    }
  }

  @Test
  void aClientResettingItsConnectionIsNotLoggedAsAnError() throws Exception {
    Logger bridgeImpl = (Logger) LoggerFactory.getLogger("io.vertx.ext.eventbus.bridge.tcp.impl.TcpEventBusBridgeImpl");
    ListAppender<ILoggingEvent> implLog = new ListAppender<>();
    implLog.start();
    bridgeImpl.addAppender(implLog);
    try {
      for (int i = 0; i < 5; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", ctlPort);
        byte[] frame = ("{\"type\":\"send\",\"address\":\"" + NodeAddresses.STATUS + "\",\"replyAddress\":\"r\","
            + "\"headers\":{\"token\":\"" + TOKEN + "\"},\"body\":{}}").getBytes(StandardCharsets.UTF_8);
        java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        Thread.sleep(200); // the reply is on its way or unread: closing now resets the connection
        socket.setSoLinger(true, 0);
        socket.close();
      }
      Thread.sleep(500);
      assertTrue(implLog.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)),
          implLog.list.toString());
    } finally {
      bridgeImpl.detachAppender(implLog);
    }
    assertEquals(0, ctl("status", "--port", String.valueOf(ctlPort), "--token", TOKEN).exit(), "the bridge still serves");
  }

  @Test
  void noTokenFailsWithoutConnecting() {
    Assumptions.assumeTrue(System.getenv("BASTION_CTL_TOKEN") == null, "BASTION_CTL_TOKEN is set in this environment");
    CtlRun run = ctl("status", "--port", String.valueOf(ctlPort));
    assertEquals(2, run.exit());
    assertEquals("bastion ctl: no token: set BASTION_CTL_TOKEN or pass --token", run.err().strip());
    CtlRun blank = ctl("status", "--port", String.valueOf(ctlPort), "--token", "");
    assertEquals(2, blank.exit());
  }

  @Test
  void unreachablePortSaysSo() {
    int closed = FreePort.next();
    CtlRun run = ctl("status", "--port", String.valueOf(closed), "--token", TOKEN);
    assertEquals(3, run.exit(), run.err());
    assertEquals("bastion ctl: cannot reach a Bastion node at 127.0.0.1:" + closed + " (connection refused)", run.err().strip());
  }

  @Test
  void aListenerThatNeverAnswersTimesOut() throws IOException {
    // The kernel completes the TCP handshake for a bound socket nobody reads from: connected, no reply.
    try (ServerSocket silent = new ServerSocket(0)) {
      CtlRun run = ctl("status", "--port", String.valueOf(silent.getLocalPort()), "--token", TOKEN, "--timeout", "1");
      assertEquals(5, run.exit(), run.err());
      assertEquals("bastion ctl: no reply from the node at 127.0.0.1:" + silent.getLocalPort() + " within 1 s", run.err().strip());
    }
  }

  @Test
  void theBridgePermitsOnlyListedAddressesEvenWithTheRightToken() {
    BridgeClient client = BridgeClient.create(TOKEN);
    try {
      client.connect("127.0.0.1", ctlPort, Duration.ofSeconds(5)).await();
      BridgeException refused = assertThrows(BridgeException.class,
          () -> client.request(DbAddresses.HEALTH, new JsonObject(), Duration.ofSeconds(5)).await());
      assertEquals(BridgeException.Kind.ADDRESS_REFUSED, refused.kind(), refused.getMessage());
      // The same connection still works for a permitted address.
      JsonObject status = client.request(NodeAddresses.STATUS, new JsonObject(), Duration.ofSeconds(5)).await();
      assertEquals("test-node", status.getString("node"));
    } finally {
      client.close().await();
    }
  }

  @Test
  void wrongTokenToAnUnlistedAddressIsATokenRefusal() {
    BridgeClient client = BridgeClient.create("wrong-token-0123456789");
    try {
      client.connect("127.0.0.1", ctlPort, Duration.ofSeconds(5)).await();
      BridgeException refused = assertThrows(BridgeException.class,
          () -> client.request(DbAddresses.HEALTH, new JsonObject(), Duration.ofSeconds(5)).await());
      assertEquals(BridgeException.Kind.TOKEN_REFUSED, refused.kind(), "the permitted list is not revealed to a wrong token");
    } finally {
      client.close().await();
    }
  }

  @Test
  void withoutATokenTheBridgeDoesNotListen() {
    int port = FreePort.next();
    try (TestNode disabled = TestNode.start(Map.of("ctl.port", String.valueOf(port)))) {
      CtlRun run = ctl("status", "--port", String.valueOf(port), "--token", TOKEN);
      assertEquals(3, run.exit(), run.err());
      assertTrue(run.err().contains("connection refused"), run.err());
    }
  }
}
