-- One round trip per audit batch. The writer chains a batch onto the tail it believes is current and calls
-- audit_append; under the chain's advisory lock the function reads the committed tail (a fresh snapshot:
-- in READ COMMITTED each statement of a VOLATILE function takes one after the lock was granted) and
-- inserts the batch only if that tail is the one the batch was chained onto. Otherwise it inserts nothing
-- and returns the actual tail, and the writer re-chains the batch and calls again. Writers on several
-- nodes therefore still take turns on one gapless chain; the lock goes with the caller's transaction.
-- 7089074580617323636 is 0x6261737461756474, ASCII "bastaudt", the key the writer used before this.
CREATE FUNCTION audit_append(expected_seq BIGINT, expected_hash BYTEA, seqs BIGINT[], recorded TIMESTAMPTZ[],
    prev_hashes BYTEA[], hashes BYTEA[], entries TEXT[], patient_ids TEXT[], agents TEXT[])
  RETURNS TABLE (appended BOOLEAN, tail_seq BIGINT, tail_hash BYTEA)
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  current_seq  BIGINT := 0;
  current_hash BYTEA := decode(repeat('00', 32), 'hex');
BEGIN
  PERFORM pg_advisory_xact_lock(7089074580617323636);
  -- EXECUTE, so it is planned at every call: PL/pgSQL would otherwise keep the plan it made on the
  -- connection's first call, and a plan made while the table was empty is a sequential scan and a sort
  EXECUTE 'SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1' INTO current_seq, current_hash;
  IF current_seq IS NULL THEN
    current_seq := 0;
    current_hash := decode(repeat('00', 32), 'hex');
  END IF;
  IF current_seq <> expected_seq OR current_hash <> expected_hash THEN
    RETURN QUERY SELECT false, current_seq, current_hash;
    RETURN;
  END IF;
  INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry, patients, agent)
  SELECT s, r, p, h, e, string_to_array(NULLIF(pt, ''), ' '), a
    FROM unnest(seqs, recorded, prev_hashes, hashes, entries, patient_ids, agents) AS t(s, r, p, h, e, pt, a);
  RETURN QUERY SELECT true, seqs[array_length(seqs, 1)], hashes[array_length(hashes, 1)];
END
$$;
