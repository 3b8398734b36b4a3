-- FHIR resources: one row per resource with its current version, and one row per version in the history.
--
-- res_pk is a bigint surrogate so that the search-index tables of a later migration (string, token, date,
-- reference, number, quantity, uri) join on one 8-byte key rather than on (type, id) text pairs.
-- Deletes are versions too: the current row keeps deleted = true and no content (read answers 410), and
-- the history keeps a row with method DELETE.
CREATE TABLE fhir_resource (
  res_pk       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  res_type     TEXT        NOT NULL,
  res_id       TEXT        NOT NULL,
  version      INTEGER     NOT NULL CHECK (version > 0),
  last_updated TIMESTAMPTZ NOT NULL,
  deleted      BOOLEAN     NOT NULL DEFAULT false,
  content      JSONB,
  CONSTRAINT fhir_resource_type_id UNIQUE (res_type, res_id),
  CONSTRAINT fhir_resource_content CHECK (deleted = (content IS NULL))
);

-- Every version, including the current one and deletions. The method says which interaction wrote it, so
-- history bundles can fill entry.request and entry.response without guessing.
CREATE TABLE fhir_resource_history (
  res_pk       BIGINT      NOT NULL REFERENCES fhir_resource (res_pk),
  version      INTEGER     NOT NULL,
  res_type     TEXT        NOT NULL,
  res_id       TEXT        NOT NULL,
  last_updated TIMESTAMPTZ NOT NULL,
  method       TEXT        NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
  content      JSONB,
  PRIMARY KEY (res_pk, version),
  CONSTRAINT fhir_resource_history_content CHECK ((method = 'DELETE') = (content IS NULL))
);

-- Type history (newest first, keyset-paged on (last_updated, res_pk, version)).
CREATE INDEX fhir_resource_history_type_time ON fhir_resource_history (res_type, last_updated, res_pk, version);
-- System history, same keyset.
CREATE INDEX fhir_resource_history_time ON fhir_resource_history (last_updated, res_pk, version);
-- _lastUpdated search and type-level scans over current versions.
CREATE INDEX fhir_resource_type_updated ON fhir_resource (res_type, last_updated);
