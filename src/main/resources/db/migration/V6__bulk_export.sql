-- FHIR Bulk Data $export jobs. The NDJSON files live under the node's data dir (fhir.export.dir); these rows
-- say which files a job wrote, so a restarted node still answers status polls and downloads, and finds the
-- jobs it was running when it stopped (they are marked failed: an export is a snapshot, not resumable).

CREATE TABLE fhir_export_job (
  job_id           TEXT        PRIMARY KEY,
  -- SHA-256 (hex) of the principal that started it (issuer, subject, client); "-" when auth is off.
  owner            TEXT        NOT NULL,
  -- The node whose data dir holds the files and whose worker runs the job.
  node_id          TEXT        NOT NULL,
  status           TEXT        NOT NULL CHECK (status IN ('accepted', 'running', 'completed', 'failed')),
  level            TEXT        NOT NULL CHECK (level IN ('system', 'patient')),
  types            TEXT[]      NOT NULL,
  since            TIMESTAMPTZ,
  -- The kick-off request URL, echoed in the manifest.
  request          TEXT        NOT NULL,
  requires_token   BOOLEAN     NOT NULL,
  -- Set when the job's snapshot is taken: resources changed later are not in the export.
  transaction_time TIMESTAMPTZ,
  error            TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  finished_at      TIMESTAMPTZ,
  -- After this the files and the row are removed (fhir.export.retention-hours after the job finished).
  expires_at       TIMESTAMPTZ
);

CREATE INDEX fhir_export_job_node ON fhir_export_job (node_id, status);

CREATE TABLE fhir_export_file (
  job_id   TEXT    NOT NULL REFERENCES fhir_export_job (job_id) ON DELETE CASCADE,
  -- The file's name in the job's directory, e.g. Observation-2.ndjson.
  name     TEXT    NOT NULL,
  res_type TEXT    NOT NULL,
  count    BIGINT  NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (job_id, name)
);
