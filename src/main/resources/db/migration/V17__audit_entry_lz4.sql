-- The audit record's text (entry) is over the 2 KB TOAST threshold for a search page (a Patient page lists its
-- 20 patients: ~6.8 KB), so every insert compressed it, and with the default pglz that was about a third of the
-- audit writer's CPU (docs/benchmarks.md, branch searchp99). LZ4 compresses the same text several times faster.
-- Only new values use it; stored values keep the method they were written with and read back unchanged, and the
-- chain hashes the text, not its storage. Servers built without LZ4 keep pglz.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE audit_event ALTER COLUMN entry SET COMPRESSION lz4;
  END IF;
END
$$;
