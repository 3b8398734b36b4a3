-- The string value index gets res_pk as its last key column (it was an INCLUDE column): the rows of one
-- value then come in res_pk order, so a search driven by a string prefix (Patient?family=walker&
-- birthdate=ge…) reads the rows of the exact value in page order, merged with those of the longer values
-- starting alike, and stops after the page's first matches instead of probing every candidate for the
-- other criteria and sorting them (PgSearchService, IndexCriterion.Ordered). Same columns, same size; the
-- prefix range scans it served are unchanged.
DROP INDEX fhir_idx_string_value;
CREATE INDEX fhir_idx_string_value ON fhir_idx_string (res_type, name, value_norm text_pattern_ops, res_pk);
