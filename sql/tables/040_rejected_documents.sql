-- rejected_documents: inputs set aside with the reason, so nothing is dropped silently.
-- Producer: ingest (pipelines/refresh.py, run by the asset in pipelines/assets/ingest.py).
-- Upstream: raw_documents.
-- Preview: SELECT path, stage, reason, first_seen FROM rejected_documents
CREATE TABLE IF NOT EXISTS rejected_documents (
    path         VARCHAR NOT NULL,
    doc_id       VARCHAR,
    stage        VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    first_seen   TIMESTAMP NOT NULL
);
COMMENT ON TABLE rejected_documents IS 'Files or documents that could not become articles, with the reason; one row per path and content.';
COMMENT ON COLUMN rejected_documents.path IS 'Path relative to the raw directory of the rejected file.';
COMMENT ON COLUMN rejected_documents.doc_id IS 'SHA-256 of the bytes that were rejected, NULL when they could not be read at all.';
COMMENT ON COLUMN rejected_documents.stage IS 'Where it was set aside: read (file access, decompression, decoding, size) or clean (no article text found).';
COMMENT ON COLUMN rejected_documents.reason IS 'Human-readable reason for the rejection.';
COMMENT ON COLUMN rejected_documents.first_seen IS 'Start time (UTC) of the run that first rejected this path and content; a re-run that finds the same bad file changes nothing.';
