-- raw_files: the manifest of what runs saw under raw/, so a run reads only files that changed.
-- Producer: ingest (pipelines/refresh.py, run by the asset in pipelines/assets/ingest.py).
-- Preview: SELECT path, size_bytes, read_at, file_hash[:12] AS hash FROM raw_files
CREATE TABLE IF NOT EXISTS raw_files (
    path          VARCHAR PRIMARY KEY,
    size_bytes    BIGINT NOT NULL,
    modified_ns   BIGINT NOT NULL,
    file_hash     VARCHAR NOT NULL,
    read_at       TIMESTAMP NOT NULL
);
COMMENT ON TABLE raw_files IS 'One row per regular file under raw/ that a run read to the end: a later run reads it again only when its size or modification time differ. Files whose read failed for a passing reason (vanished, kept changing, permissions) and links are not listed, so every run tries them again.';
COMMENT ON COLUMN raw_files.path IS 'Path relative to the raw directory, as in raw_documents.paths.';
COMMENT ON COLUMN raw_files.size_bytes IS 'Size of the file in bytes when it was read (compressed size for .gz).';
COMMENT ON COLUMN raw_files.modified_ns IS 'Modification time of the file when it was read, in nanoseconds since the Unix epoch.';
COMMENT ON COLUMN raw_files.file_hash IS 'SHA-256 (hex) of the file''s bytes as stored (before decompression); for an uncompressed HTML or text file it equals its raw_documents.doc_id.';
COMMENT ON COLUMN raw_files.read_at IS 'Start time (UTC) of the run that last read the file.';
