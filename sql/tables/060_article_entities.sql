-- article_entities: each entity as one article names it, the per-article rows behind entities.
-- Producer: facts (pipelines/derive.py with pipelines/extraction/entities.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT ae.name, ae.type, ae.country, a.title, a.outlet FROM article_entities ae JOIN articles a USING (doc_id)
CREATE TABLE IF NOT EXISTS article_entities (
    doc_id      VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    latin_name  VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    country     VARCHAR,
    latitude    DOUBLE,
    longitude   DOUBLE,
    aliases     VARCHAR[] NOT NULL
);
COMMENT ON TABLE article_entities IS 'One row per entity per article that mentions it; entities merges these rows across articles, so adding articles never re-reads the others.';
COMMENT ON COLUMN article_entities.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN article_entities.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN article_entities.name IS 'Name to show as this article has it: its longest form of an organisation, the merge key of a person, the gazetteer name of a place or nationality.';
COMMENT ON COLUMN article_entities.latin_name IS 'name in Latin letters: itself when written in them, else transliterated ("НАТО" -> "NATO", "Министерство обороны" -> "Ministerstvo oborony").';
COMMENT ON COLUMN article_entities.type IS 'PERSON, ORGANIZATION, LOCATION or NATIONALITY.';
COMMENT ON COLUMN article_entities.country IS 'ISO 3166 alpha-2 country in this article: of a place or nationality; of a person, the country their roles in the article name most often, else a nationality word just before their name; NULL when unknown.';
COMMENT ON COLUMN article_entities.latitude IS 'Latitude of a LOCATION the gazetteer knows, else NULL.';
COMMENT ON COLUMN article_entities.longitude IS 'Longitude of a LOCATION the gazetteer knows, else NULL.';
COMMENT ON COLUMN article_entities.aliases IS 'The surface forms of this entity in the article (names only, not pronouns or nominals), sorted.';
