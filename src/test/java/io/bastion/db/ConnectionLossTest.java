package io.bastion.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ConnectionLossTest {

  @Test
  void aConnectionThatWentAwayIsALoss() {
    assertTrue(ConnectionLoss.is(ClosedConnectionException.INSTANCE));
    // what Vert.x answers for a statement given to a connection that closed a moment before
    assertTrue(ConnectionLoss.is(VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
    assertTrue(ConnectionLoss.is(pg("57P01"))); // terminating connection due to administrator command
    assertTrue(ConnectionLoss.is(pg("08006")));
    assertTrue(ConnectionLoss.is(new IllegalStateException(ClosedConnectionException.INSTANCE)), "wrapped");
  }

  @Test
  void aSocketsFailureIsALossOnlyWhenAStatementMetIt() {
    for (Exception socket : new Exception[] {new ConnectException("Connection refused"), new IOException("Broken pipe")}) {
      assertTrue(ConnectionLoss.ofStatement(socket), socket.toString());
      // on any route it may be the HTTP client's own connection (a browser that went away): not the database's
      assertFalse(ConnectionLoss.is(socket), socket.toString());
    }
    assertTrue(ConnectionLoss.ofStatement(pg("57P01")));
    assertFalse(ConnectionLoss.ofStatement(new JsonParseException(null, "bad JSON")));
  }

  @Test
  void aStatementsOwnFailureIsNot() {
    assertFalse(ConnectionLoss.is(pg("23505"))); // unique violation
    assertFalse(ConnectionLoss.is(pg("40001"))); // serialization failure: the write conflicts, it is not transient here
    assertFalse(ConnectionLoss.is(new JsonParseException(null, "bad JSON")), "an IOException subclass that is input");
    assertFalse(ConnectionLoss.is(VertxException.noStackTrace("something else")));
    assertFalse(ConnectionLoss.is(new IllegalStateException("a bug")));
  }

  private static PgException pg(String state) {
    return new PgException("message", "FATAL", state, null);
  }
}
