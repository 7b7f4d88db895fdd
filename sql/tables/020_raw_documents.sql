-- raw_documents: every distinct piece of content found under raw/, keyed by its hash.
-- Producer: ingest (pipelines/refresh.py, run by the asset in pipelines/assets/ingest.py).
-- Preview: SELECT paths, format, source_url, size_bytes, first_seen, doc_id[:12] AS doc FROM raw_documents
CREATE TABLE IF NOT EXISTS raw_documents (
    doc_id       VARCHAR PRIMARY KEY,
    paths        VARCHAR[] NOT NULL,
    format       VARCHAR NOT NULL,
    source_url   VARCHAR,
    fetched_at   TIMESTAMP,
    size_bytes   BIGINT NOT NULL,
    encoding     VARCHAR NOT NULL,
    content      VARCHAR NOT NULL,
    first_seen   TIMESTAMP NOT NULL,
    last_seen    TIMESTAMP NOT NULL
);
COMMENT ON TABLE raw_documents IS 'One row per distinct document content found under raw/ (id = content hash).';
COMMENT ON COLUMN raw_documents.doc_id IS 'SHA-256 (hex) of the document bytes after decompression; a WARC record is hashed on its HTTP payload.';
COMMENT ON COLUMN raw_documents.paths IS 'Paths, relative to the raw directory, where this content was last seen; a WARC record carries its file path.';
COMMENT ON COLUMN raw_documents.format IS 'Input format: html, txt or warc (an HTML response record inside a WARC file).';
COMMENT ON COLUMN raw_documents.source_url IS 'URL the document was fetched from (WARC-Target-URI), NULL when the input does not say.';
COMMENT ON COLUMN raw_documents.fetched_at IS 'When the document was fetched (WARC-Date, UTC), NULL for plain files.';
COMMENT ON COLUMN raw_documents.size_bytes IS 'Size in bytes of the document after decompression.';
COMMENT ON COLUMN raw_documents.encoding IS 'Character encoding the bytes were decoded with (from BOM, declared charset or detection).';
COMMENT ON COLUMN raw_documents.content IS 'The document decoded to text (HTML markup kept), input to cleaning.';
COMMENT ON COLUMN raw_documents.first_seen IS 'Start time (UTC) of the run that first found this content.';
COMMENT ON COLUMN raw_documents.last_seen IS 'Start time (UTC) of the latest run that found this content at a path where it was not before (a re-run with nothing new changes nothing).';
