package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.ClosedConnectionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A handler that fails with a lost database connection answers 503 + Retry-After; any other failure stays a 500. */
class ErrorRendererTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;
  private static final ListAppender<ILoggingEvent> errorLog = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    errorLog.start();
    ((Logger) LoggerFactory.getLogger(ErrorRenderer.class)).addAppender(errorLog);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/admin/api/lost").handler(ctx -> ctx.fail(ClosedConnectionException.INSTANCE));
    router.get("/admin/api/bug").handler(ctx -> ctx.fail(new IllegalStateException("a bug")));
    router.get("/fhir/Patient/:id").handler(ctx -> ctx.fail(new IllegalStateException("a bug")));
    // the static handler fails so when the browser went away mid-file: not a lost database connection
    router.get("/admin/gone").handler(ctx -> ctx.fail(new java.io.IOException("Broken pipe")));
    router.errorHandler(500, ErrorRenderer::renderFailure);
    server = vertx.createHttpServer().requestHandler(router).listen(0).await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    ((Logger) LoggerFactory.getLogger(ErrorRenderer.class)).detachAppender(errorLog);
  }

  @Test
  void aLostDatabaseConnectionIs503WithRetryAfter() throws Exception {
    HttpResponse<Buffer> response = get("/admin/api/lost");
    assertEquals(503, response.statusCode());
    assertEquals("1", response.getHeader("Retry-After"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals(503, problem.getInteger("status"));
    assertEquals("the database connection failed while answering; retry", problem.getString("detail"));
  }

  @Test
  void anyOtherFailureStaysA500WithoutItsText() throws Exception {
    HttpResponse<Buffer> response = get("/admin/api/bug");
    assertEquals(500, response.statusCode());
    assertEquals(null, response.getHeader("Retry-After"));
    assertEquals(-1, response.bodyAsString().indexOf("a bug"));
  }

  @Test
  void theHttpClientsOwnBrokenPipeIsNotADatabaseLoss() throws Exception {
    HttpResponse<Buffer> response = get("/admin/gone");
    assertEquals(500, response.statusCode());
    assertEquals(null, response.getHeader("Retry-After"));
  }

  @Test
  void aFailedRequestIsLoggedWithItsAreaNotItsPath() throws Exception {
    assertEquals(500, get("/fhir/Patient/jane-doe-1970").statusCode());
    String logged = errorLog.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.contains("/fhir")).findFirst().orElseThrow();
    assertTrue(logged.contains("on route /fhir/*"), logged);
    assertTrue(!logged.contains("jane-doe"), logged);
  }

  @Test
  void onlyBastionsOwnAreasAreNamed() {
    assertEquals("/fhir/*", ResponseObserver.area("/fhir/Patient/123"));
    assertEquals("/metrics", ResponseObserver.area("/metrics"));
    assertEquals("/admin/*", ResponseObserver.area("/admin/api/users/7"));
    assertEquals("(unmatched)", ResponseObserver.area("/jane-doe/fhir"));
    assertEquals("(unmatched)", ResponseObserver.area("/"));
    assertEquals("(unmatched)", ResponseObserver.area(null));
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return client.get(server.actualPort(), "localhost", path).send().await(10, TimeUnit.SECONDS);
  }
}
