-- date_mentions: dates the articles state, resolved to calendar dates.
-- Producer: facts (pipelines/derive.py with pipelines/extraction/date_mentions.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT d.text, d.resolved_date, d.granularity, a.published_date, a.title FROM date_mentions d JOIN articles a USING (doc_id)
CREATE TABLE IF NOT EXISTS date_mentions (
    doc_id         VARCHAR NOT NULL,
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    text           VARCHAR NOT NULL,
    resolved_date  DATE,
    granularity    VARCHAR NOT NULL,
    sentence       INTEGER NOT NULL
);
COMMENT ON TABLE date_mentions IS 'One row per date expression in an article: "June 24", "28 November 2025", "February 2022", "in May" (the month only), "2023".';
COMMENT ON COLUMN date_mentions.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN date_mentions.start IS 'Character offset of the date in articles.text.';
COMMENT ON COLUMN date_mentions."end" IS 'Character offset just past the date.';
COMMENT ON COLUMN date_mentions.text IS 'The date as written: articles.text[start:end].';
COMMENT ON COLUMN date_mentions.resolved_date IS 'The date meant, or the first day of the month or year meant. A date without a year takes the year that puts it nearest the article''s published_date; NULL when that is unknown, or the day does not exist.';
COMMENT ON COLUMN date_mentions.granularity IS 'What the text pins down: day, month or year.';
COMMENT ON COLUMN date_mentions.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
