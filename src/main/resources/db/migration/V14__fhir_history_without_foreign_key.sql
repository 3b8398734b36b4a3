-- The history no longer has a foreign key to the current row. Every history row is inserted by the same
-- statement that inserts or updates its current row, from that statement's RETURNING res_pk (FhirSql:
-- create, update, patch, delete, batch create, and the seed's COPY in one transaction), and no statement deletes
-- a current row (a delete is a version), so the key could only ever be found; yet PostgreSQL checked it for
-- every write: an SPI query on fhir_resource and a KEY SHARE lock on the row just written (a second WAL record
-- and a dirtied page): 8.6% of PostgreSQL's CPU per Patient create statement (docs/benchmarks.md, branch createpath).
-- The search-index tables, joined on res_pk the same way, never had one.
ALTER TABLE fhir_resource_history DROP CONSTRAINT fhir_resource_history_res_pk_fkey;
