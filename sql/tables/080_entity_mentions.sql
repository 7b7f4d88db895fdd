-- entity_mentions: where each entity is named in an article.
-- Producer: facts (pipelines/derive.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles, entities.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT m.text, e.canonical_name AS entity, m.type, a.title, a.outlet FROM entity_mentions m JOIN entities e USING (entity_id) JOIN articles a USING (doc_id)
CREATE TABLE IF NOT EXISTS entity_mentions (
    doc_id      VARCHAR NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    sentence    INTEGER NOT NULL
);
COMMENT ON TABLE entity_mentions IS 'One row per mention of an entity in an article''s clean text.';
COMMENT ON COLUMN entity_mentions.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN entity_mentions.start IS 'Character offset of the mention''s first character in articles.text (0-based).';
COMMENT ON COLUMN entity_mentions."end" IS 'Character offset just past the mention: text = substring(articles.text, start + 1, end - start).';
COMMENT ON COLUMN entity_mentions.text IS 'The mention as written: a name (never with its honorific or title), "he"/"she", or a nominal such as "the Belarusian leader".';
COMMENT ON COLUMN entity_mentions.type IS 'PERSON, ORGANIZATION, LOCATION or NATIONALITY.';
COMMENT ON COLUMN entity_mentions.entity_id IS 'The entity mentioned (entities.entity_id).';
COMMENT ON COLUMN entity_mentions.sentence IS 'Sentence number within the article, from 0.';
