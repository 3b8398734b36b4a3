package io.bastion.fhir.bulk;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** One row of fhir_export_job: what was asked, by whom, where it runs and how far it got. */
record ExportJob(String id, String owner, String nodeId, String status, String level, List<String> types,
    Instant since, String request, boolean requiresToken, Instant transactionTime, String error) {

  static final String ACCEPTED = "accepted";
  static final String RUNNING = "running";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";

  static ExportJob of(Row row) {
    return new ExportJob(row.getString("job_id"), row.getString("owner"), row.getString("node_id"),
        row.getString("status"), row.getString("level"), Arrays.asList(row.getArrayOfStrings("types")),
        instant(row.getOffsetDateTime("since")), row.getString("request"), row.getBoolean("requires_token"),
        instant(row.getOffsetDateTime("transaction_time")), row.getString("error"));
  }

  boolean finished() {
    return COMPLETED.equals(status) || FAILED.equals(status);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
