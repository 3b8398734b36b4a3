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
    assertTrue(ConnectionLoss.is(new ConnectException("Connection refused")));
    assertTrue(ConnectionLoss.is(new IOException("Broken pipe")));
    // what Vert.x answers for a statement given to a connection that closed a moment before
    assertTrue(ConnectionLoss.is(VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
    assertTrue(ConnectionLoss.is(pg("57P01"))); // terminating connection due to administrator command
    assertTrue(ConnectionLoss.is(pg("08006")));
    assertTrue(ConnectionLoss.is(new IllegalStateException(new IOException("Broken pipe"))), "wrapped");
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
