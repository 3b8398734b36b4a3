-- Searches driven from the index tables (see PgSearchService): every criterion is answered from the
-- index alone, without a visit to the table heap per candidate.
--
-- * The value indexes carry res_pk (INCLUDE), so the criterion that drives a search finds its candidates
--   with an index-only scan.
-- * The res_pk indexes become (res_pk, name) and carry the values, so every other criterion is an
--   index-only probe per candidate (e.g. Patient?family=x&birthdate=ge…: a few hundred family
--   candidates, each probed for its birth date). They still serve replacing and removing a resource's rows.
-- Each index replaces the one of the same name, so a write maintains as many indexes as before.
DROP INDEX fhir_idx_string_value;
CREATE INDEX fhir_idx_string_value ON fhir_idx_string (res_type, name, value_norm text_pattern_ops) INCLUDE (res_pk);
DROP INDEX fhir_idx_string_pk;
CREATE INDEX fhir_idx_string_pk ON fhir_idx_string (res_pk, name) INCLUDE (res_type, value_norm);

DROP INDEX fhir_idx_token_code;
CREATE INDEX fhir_idx_token_code ON fhir_idx_token (res_type, name, code, system) INCLUDE (res_pk);
DROP INDEX fhir_idx_token_pk;
CREATE INDEX fhir_idx_token_pk ON fhir_idx_token (res_pk, name) INCLUDE (res_type, system, code);

DROP INDEX fhir_idx_date_low;
CREATE INDEX fhir_idx_date_low ON fhir_idx_date (res_type, name, low, high) INCLUDE (res_pk);
DROP INDEX fhir_idx_date_high;
CREATE INDEX fhir_idx_date_high ON fhir_idx_date (res_type, name, high, low) INCLUDE (res_pk);
DROP INDEX fhir_idx_date_pk;
CREATE INDEX fhir_idx_date_pk ON fhir_idx_date (res_pk, name) INCLUDE (res_type, low, high);

DROP INDEX fhir_idx_reference_target;
CREATE INDEX fhir_idx_reference_target ON fhir_idx_reference (res_type, name, target_id, target_type) INCLUDE (res_pk);
DROP INDEX fhir_idx_reference_pk;
CREATE INDEX fhir_idx_reference_pk ON fhir_idx_reference (res_pk, name) INCLUDE (res_type, target_type, target_id);

-- res_type and name are far from independent (only Patient rows are named birthdate): estimated one by
-- one, Patient birthdate rows came out 20 times too few, and the planner hashed every birth date after
-- the searched one instead of probing the few family candidates. Their joint frequencies fix that.
CREATE STATISTICS fhir_idx_string_type_name (mcv) ON res_type, name FROM fhir_idx_string;
CREATE STATISTICS fhir_idx_token_type_name (mcv) ON res_type, name FROM fhir_idx_token;
CREATE STATISTICS fhir_idx_date_type_name (mcv) ON res_type, name FROM fhir_idx_date;
CREATE STATISTICS fhir_idx_reference_type_name (mcv) ON res_type, name FROM fhir_idx_reference;
CREATE STATISTICS fhir_idx_number_type_name (mcv) ON res_type, name FROM fhir_idx_number;
CREATE STATISTICS fhir_idx_quantity_type_name (mcv) ON res_type, name FROM fhir_idx_quantity;
CREATE STATISTICS fhir_idx_uri_type_name (mcv) ON res_type, name FROM fhir_idx_uri;
CREATE STATISTICS fhir_idx_composite_type_name (mcv) ON res_type, name FROM fhir_idx_composite;
