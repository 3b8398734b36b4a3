-- FHIR search index: one table per search-parameter type, one row per value a parameter's FHIRPath
-- expression finds in the current version of a resource. Rows are keyed by the resource's res_pk and the
-- parameter's name; res_type is repeated so that every search index starts with (res_type, name) and a
-- search never needs the resource row to find its candidates. The rows of a resource are replaced in the
-- same statement that writes it, and removed when it is deleted (history is not indexed).
--
-- Each table has an index on res_pk (replacement on update, _include, sort keys) and one or two on
-- (res_type, name, value…) for the searches. No foreign keys: they would cost a lookup per index row on
-- the hot write path, and the only writer is the store's write statements, which key rows by the res_pk
-- they just wrote.

-- string: value_norm is lower case without accents, cut to 200 characters, for starts-with (LIKE 'x%',
-- text_pattern_ops) and :contains; value_exact keeps the original text for :exact.
CREATE TABLE fhir_idx_string (
  res_pk      BIGINT NOT NULL,
  res_type    TEXT   NOT NULL,
  name        TEXT   NOT NULL,
  value_norm  TEXT   NOT NULL,
  value_exact TEXT   NOT NULL
);
CREATE INDEX fhir_idx_string_value ON fhir_idx_string (res_type, name, value_norm text_pattern_ops);
CREATE INDEX fhir_idx_string_pk ON fhir_idx_string (res_pk);

-- token: system and code (either may be null: a text-only CodeableConcept has neither), text_norm the
-- normalised CodeableConcept.text / Coding.display / Identifier.type.text for :text.
CREATE TABLE fhir_idx_token (
  res_pk    BIGINT NOT NULL,
  res_type  TEXT   NOT NULL,
  name      TEXT   NOT NULL,
  system    TEXT,
  code      TEXT,
  text_norm TEXT
);
CREATE INDEX fhir_idx_token_code ON fhir_idx_token (res_type, name, code, system);
CREATE INDEX fhir_idx_token_pk ON fhir_idx_token (res_pk);

-- date: every date, dateTime, instant, Period and Timing as the inclusive range [low, high] it covers;
-- open period ends are -infinity / infinity.
CREATE TABLE fhir_idx_date (
  res_pk   BIGINT      NOT NULL,
  res_type TEXT        NOT NULL,
  name     TEXT        NOT NULL,
  low      TIMESTAMPTZ NOT NULL,
  high     TIMESTAMPTZ NOT NULL
);
CREATE INDEX fhir_idx_date_low ON fhir_idx_date (res_type, name, low, high);
CREATE INDEX fhir_idx_date_high ON fhir_idx_date (res_type, name, high, low);
CREATE INDEX fhir_idx_date_pk ON fhir_idx_date (res_pk);

-- reference: a literal relative reference as (target_type, target_id); absolute and canonical ones as url.
-- The value index also serves _revinclude and _has (rows pointing at given targets).
CREATE TABLE fhir_idx_reference (
  res_pk      BIGINT NOT NULL,
  res_type    TEXT   NOT NULL,
  name        TEXT   NOT NULL,
  target_type TEXT,
  target_id   TEXT,
  url         TEXT
);
CREATE INDEX fhir_idx_reference_target ON fhir_idx_reference (res_type, name, target_id, target_type);
CREATE INDEX fhir_idx_reference_url ON fhir_idx_reference (res_type, name, url) WHERE url IS NOT NULL;
CREATE INDEX fhir_idx_reference_pk ON fhir_idx_reference (res_pk);

CREATE TABLE fhir_idx_number (
  res_pk   BIGINT  NOT NULL,
  res_type TEXT    NOT NULL,
  name     TEXT    NOT NULL,
  value    NUMERIC NOT NULL
);
CREATE INDEX fhir_idx_number_value ON fhir_idx_number (res_type, name, value);
CREATE INDEX fhir_idx_number_pk ON fhir_idx_number (res_pk);

-- quantity: code is Quantity.code, or Quantity.unit when there is no code (so 5.4||mg matches either).
CREATE TABLE fhir_idx_quantity (
  res_pk   BIGINT  NOT NULL,
  res_type TEXT    NOT NULL,
  name     TEXT    NOT NULL,
  system   TEXT,
  code     TEXT,
  value    NUMERIC NOT NULL
);
CREATE INDEX fhir_idx_quantity_value ON fhir_idx_quantity (res_type, name, code, value);
CREATE INDEX fhir_idx_quantity_pk ON fhir_idx_quantity (res_pk);

-- uri: text_pattern_ops serves equality and :below (prefix).
CREATE TABLE fhir_idx_uri (
  res_pk   BIGINT NOT NULL,
  res_type TEXT   NOT NULL,
  name     TEXT   NOT NULL,
  uri      TEXT   NOT NULL
);
CREATE INDEX fhir_idx_uri_value ON fhir_idx_uri (res_type, name, uri text_pattern_ops);
CREATE INDEX fhir_idx_uri_pk ON fhir_idx_uri (res_pk);

-- composite (the R4 composites of the supported types pair a token with a token, quantity, date, string
-- or reference): the first component as (system, code), the second in the column of its type.
CREATE TABLE fhir_idx_composite (
  res_pk   BIGINT NOT NULL,
  res_type TEXT   NOT NULL,
  name     TEXT   NOT NULL,
  system   TEXT,
  code     TEXT   NOT NULL,
  v_system TEXT,
  v_code   TEXT,
  v_number NUMERIC,
  v_low    TIMESTAMPTZ,
  v_high   TIMESTAMPTZ,
  v_text   TEXT
);
CREATE INDEX fhir_idx_composite_code ON fhir_idx_composite (res_type, name, code, system);
CREATE INDEX fhir_idx_composite_pk ON fhir_idx_composite (res_pk);

-- Type-level search without criteria, and the default order of every search: live resources of a type
-- by res_pk (the keyset of search paging).
CREATE INDEX fhir_resource_type_live ON fhir_resource (res_type, res_pk) WHERE NOT deleted;
