-- Paired index rows: a string parameter's values paired with a date parameter's ranges of the same resource,
-- one row per (string row, date row) of the resource (see io.bastion.fhir.search.PairedIndex). The only pair
-- is Patient family + birthdate, named 'family+birthdate': Patient?family=smith&birthdate=ge1990 reads the
-- rows of 'smith' in res_pk order from one index and checks the birth date in the same index tuple, where
-- the per-parameter tables need a probe of fhir_idx_date per family candidate (a late birth date: ~2,000).
-- The rows are written, replaced and removed with the resource's other index rows (FhirSql.INDEX_TABLES).
--
-- value_norm is the string row's, value_exact the string row's cut to 200 characters (so that an index tuple
-- stays under btree's size limit; a longer :exact value is searched the old way); low and high the date
-- row's.
CREATE TABLE fhir_idx_string_date (
  res_pk      BIGINT      NOT NULL,
  res_type    TEXT        NOT NULL,
  name        TEXT        NOT NULL,
  value_norm  TEXT        NOT NULL,
  value_exact TEXT        NOT NULL,
  low         TIMESTAMPTZ NOT NULL,
  high        TIMESTAMPTZ NOT NULL
);

-- An existing store: the pairs of its current string and date rows (the same rows the indexer would pair).
INSERT INTO fhir_idx_string_date (res_pk, res_type, name, value_norm, value_exact, low, high)
SELECT DISTINCT s.res_pk, s.res_type, 'family+birthdate', s.value_norm, left(s.value_exact, 200), d.low, d.high
  FROM fhir_idx_string s
  JOIN fhir_idx_date d ON d.res_pk = s.res_pk AND d.res_type = 'Patient' AND d.name = 'birthdate'
 WHERE s.res_type = 'Patient' AND s.name = 'family';

-- The rows of one value in res_pk order, the date and exact text in the tuple: a page is an index-only scan
-- of the value's rows, filtered, stopped after the page's rows.
CREATE INDEX fhir_idx_string_date_value ON fhir_idx_string_date (res_type, name, value_norm text_pattern_ops, res_pk)
  INCLUDE (low, high, value_exact);
CREATE INDEX fhir_idx_string_date_pk ON fhir_idx_string_date (res_pk);
ANALYZE fhir_idx_string_date;
