package io.bastion.audit;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pending list of {@code audit_event_patients} short, from a connection other than the writer's.
 *
 * <p>That index is a GIN index with PostgreSQL's default fast update: an INSERT appends its keys (one per patient
 * id of the record) to a pending list, and the INSERT that finds the list over {@code gin_pending_list_limit}
 * (4 MB) merges all of it into the index before it commits. A search of 20 Patients is audited with 20 ids, so
 * at ~2,500 searches/s that is one merge every ~1.4 s, ~70 ms inside the writer's batch, and every request in
 * flight waits for its audit commit through it (docs/benchmarks.md, branch searchtail). Merging a part of the
 * list at a time here ({@code gin_clean_pending_list}) does the same work off the commit path: the writer's
 * INSERT only appends, and one that crosses the limit while a merge runs leaves the list to it.
 *
 * <p>Confined to the writer's context, like the writer's other state.
 */
final class PatientIndexCleaner {

  private static final Logger LOG = LoggerFactory.getLogger(PatientIndexCleaner.class);

  private final Pool pool;
  /** Patient ids appended between merges; 0 turns the cleaner off (the INSERT merges, as PostgreSQL does). */
  private final long idsPerClean;
  private long sinceClean;
  private boolean running;
  private boolean refused;
  private volatile long cleans;

  PatientIndexCleaner(Pool pool, long idsPerClean) {
    this.pool = pool;
    this.idsPerClean = idsPerClean;
  }

  /** Counts a committed batch's patient ids; starts a merge when enough have gathered and none is running. */
  void appended(long patientIds) {
    sinceClean += patientIds;
    if (idsPerClean <= 0 || refused || running || sinceClean < idsPerClean) {
      return;
    }
    sinceClean = 0;
    running = true;
    pool.query(AuditSql.CLEAN_PATIENT_INDEX).execute().onComplete(done -> {
      running = false;
      if (done.succeeded()) {
        cleans++;
      } else if (done.cause() instanceof PgException pg && "42501".equals(pg.getSqlState())) {
        // only the index's owner may merge it: a node whose role does not own the schema leaves it to the INSERTs
        refused = true;
        LOG.warn("audit: this role may not merge the pending entries of audit_event_patients ({}); the writer's "
            + "INSERTs merge them, stalling the audit commit while they do", pg.getMessage());
      } else {
        LOG.warn("audit: merging the pending entries of audit_event_patients failed, tried again after the next "
            + "{} patient ids: {}", idsPerClean, done.cause().toString());
      }
    });
  }

  /** Merges completed so far (for tests). */
  long cleans() {
    return cleans;
  }
}
