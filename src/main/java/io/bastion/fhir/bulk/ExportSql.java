package io.bastion.fhir.bulk;

/** The export's SQL in one place: job state (vertx-pg-client, $n) and the runner's statements (JDBC, ?). */
final class ExportSql {

  private ExportSql() {
  }

  static final String INSERT_JOB = "INSERT INTO fhir_export_job (job_id, owner, node_id, status, level, types, since,"
      + " request, requires_token, created_at) VALUES ($1, $2, $3, 'accepted', $4, $5, $6, $7, $8, $9)";

  static final String SELECT_JOB = "SELECT * FROM fhir_export_job WHERE job_id = $1";

  static final String SELECT_FILES = "SELECT name, res_type, count FROM fhir_export_file WHERE job_id = $1 ORDER BY seq";

  static final String DELETE_JOB = "DELETE FROM fhir_export_job WHERE job_id = $1";

  /** At start-up: this node's jobs that were running when it stopped cannot resume (their snapshot is gone). */
  static final String FAIL_INTERRUPTED = "UPDATE fhir_export_job SET status = 'failed', error = $2, finished_at = $3,"
      + " expires_at = $4 WHERE node_id = $1 AND status IN ('accepted', 'running') RETURNING job_id";

  static final String KNOWN_JOBS = "SELECT job_id FROM fhir_export_job WHERE job_id = ANY ($1::text[])";

  static final String DELETE_EXPIRED = "DELETE FROM fhir_export_job WHERE node_id = $1 AND expires_at < $2 RETURNING job_id";

  // ---- the runner (JDBC on an export worker) ----

  static final String MARK_RUNNING = "UPDATE fhir_export_job SET status = 'running', transaction_time = ?"
      + " WHERE job_id = ? AND status = 'accepted'";

  static final String INSERT_FILE = "INSERT INTO fhir_export_file (job_id, name, res_type, count, seq) VALUES (?, ?, ?, ?, ?)";

  /** Only a job still running completes: a DELETE that removed the row in the meantime wins. */
  static final String MARK_COMPLETED = "UPDATE fhir_export_job SET status = 'completed', finished_at = ?, expires_at = ?"
      + " WHERE job_id = ? AND status = 'running'";

  static final String MARK_FAILED = "UPDATE fhir_export_job SET status = 'failed', error = ?, finished_at = ?,"
      + " expires_at = ? WHERE job_id = ? AND status IN ('accepted', 'running')";

  /** A type's current resources, in res_pk order (the partial index on (res_type, res_pk) WHERE NOT deleted). */
  static final String TYPE_ROWS = "SELECT r.res_id, r.content::text FROM fhir_resource r WHERE r.res_type = ? AND NOT r.deleted"
      + " AND r.last_updated > ? ORDER BY r.res_pk";

  /**
   * A type's current resources that are in some patient's compartment: a compartment parameter of the type
   * references a Patient (the Patients themselves are all in their own).
   */
  static final String COMPARTMENT_ROWS = "SELECT r.res_id, r.content::text FROM fhir_resource r WHERE r.res_type = ?"
      + " AND NOT r.deleted AND r.last_updated > ? AND r.res_pk IN (SELECT i.res_pk FROM fhir_idx_reference i"
      + " WHERE i.res_type = ? AND i.name = ANY (?) AND i.target_type = 'Patient') ORDER BY r.res_pk";
}
