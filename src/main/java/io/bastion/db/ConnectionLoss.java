package io.bastion.db;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.SocketException;

/**
 * Whether a statement failed because PostgreSQL's connection went away (a restart, a failover, a killed backend)
 * rather than because of the statement: the client may retry, and the pool hands the retry a new connection.
 */
public final class ConnectionLoss {

  /** What Vert.x says when a statement is given to a connection that has already closed; it has no type of its own. */
  private static final String NOT_ACTIVE = "Connection is not active now";

  private ConnectionLoss() {
  }

  /**
   * The failure or one of its causes (a transaction's rollback may wrap it) is a lost database connection, by the
   * SQL client's own signs only: any route's failure may be judged by this (a client's broken pipe is not one).
   */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (isItself(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * As {@link #is}, for a failure known to come from a database statement: then a reset socket, an unreachable
   * server or the NIO socket's plain IOException ("Broken pipe", when the statement is written after the drop) is
   * the database's connection too.
   */
  public static boolean ofStatement(Throwable failure) {
    return is(failure) || failure instanceof SocketException
        // only that exact class: Jackson's parse errors are IOExceptions too, and they are not transient
        || failure.getClass() == IOException.class;
  }

  private static boolean isItself(Throwable failure) {
    if (failure instanceof ClosedConnectionException) {
      return true; // the connection closed under the statement
    }
    if (failure.getClass() == VertxException.class) {
      String message = failure.getMessage();
      return message != null && message.startsWith(NOT_ACTIVE);
    }
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      // class 08: connection exception; 57P01-57P03: the server is shutting down or was told to end this backend
      return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }
    return false;
  }
}
