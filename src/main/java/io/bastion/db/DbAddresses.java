package io.bastion.db;

/** Event-bus addresses of the database capability. */
public final class DbAddresses {

  /** Request/reply: body {} - reply: the store checks, as in /health/ready's "checks". */
  public static final String HEALTH = "bastion.db.health";
  /** Request/reply (performance issue): slowest statements. Not bound yet. */
  public static final String SLOW_QUERIES = "bastion.db.slow-queries";
  /** Request/reply (performance issue): index advice. Not bound yet. */
  public static final String ADVICE = "bastion.db.advice";

  private DbAddresses() {
  }
}
