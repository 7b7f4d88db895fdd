-- article_extractions: which articles the fact tables hold, and which code made their rows.
-- Producer: facts (pipelines/derive.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT a.title, a.outlet, x.article_entities_rows AS entities, x.quotes_rows AS quotes, x.events_rows AS events, x.left_out_reason, x.extraction_version FROM article_extractions x JOIN articles a USING (doc_id)
CREATE TABLE IF NOT EXISTS article_extractions (
    doc_id                  VARCHAR NOT NULL,
    cleaning_version        VARCHAR NOT NULL,
    extraction_version      VARCHAR NOT NULL,
    extracted_at            TIMESTAMP NOT NULL,
    article_entities_rows   INTEGER NOT NULL,
    entity_mentions_rows    INTEGER NOT NULL,
    quotes_rows             INTEGER NOT NULL,
    person_roles_rows       INTEGER NOT NULL,
    amounts_rows            INTEGER NOT NULL,
    date_mentions_rows      INTEGER NOT NULL,
    events_rows             INTEGER NOT NULL,
    left_out_reason         VARCHAR
);
COMMENT ON TABLE article_extractions IS 'One row per article whose facts a run derived: a run extracts facts only for articles missing here or made by other versions, and removes the facts of articles that are gone. An article whose extraction failed is here too, with no rows and its left_out_reason.';
COMMENT ON COLUMN article_extractions.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN article_extractions.cleaning_version IS 'articles.cleaning_version of the text the facts were extracted from.';
COMMENT ON COLUMN article_extractions.extraction_version IS 'Version of the extraction code that made the rows (pipelines/extraction/facts.py EXTRACTION_VERSION; the Dagster code version of the fact assets).';
COMMENT ON COLUMN article_extractions.extracted_at IS 'Start time (UTC) of the run that wrote the rows.';
COMMENT ON COLUMN article_extractions.article_entities_rows IS 'Rows of this article the run wrote to article_entities; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.entity_mentions_rows IS 'Rows of this article the run wrote to entity_mentions; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.quotes_rows IS 'Rows of this article the run wrote to quotes; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.person_roles_rows IS 'Rows of this article the run wrote to person_roles; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.amounts_rows IS 'Rows of this article the run wrote to amounts; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.date_mentions_rows IS 'Rows of this article the run wrote to date_mentions; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.events_rows IS 'Rows of this article the run wrote to events; a check compares the table with their sum, so rows lost or added later show.';
COMMENT ON COLUMN article_extractions.left_out_reason IS 'Why this article''s facts were left out (extraction raised an error, ran out of time, or made rows that break a table''s key, offsets or entity ids); NULL when its facts were written. The other articles of its run were written as usual; the next extraction version tries it again.';
