-- person_roles: the roles and offices the articles give people.
-- Producer: facts (pipelines/derive.py with pipelines/extraction/roles.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles, entities.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT p.canonical_name AS person, r.role, o.canonical_name AS organisation, r.country, a.outlet, a.title FROM person_roles r JOIN entities p ON p.entity_id = r.entity_id LEFT JOIN entities o ON o.entity_id = r.organisation_entity_id JOIN articles a ON a.doc_id = r.doc_id
CREATE TABLE IF NOT EXISTS person_roles (
    doc_id                  VARCHAR NOT NULL,
    entity_id               VARCHAR NOT NULL,
    role                    VARCHAR NOT NULL,
    organisation_entity_id  VARCHAR,
    country                 VARCHAR,
    start                   INTEGER NOT NULL,
    "end"                   INTEGER NOT NULL,
    sentence                INTEGER NOT NULL
);
COMMENT ON TABLE person_roles IS 'One row per role stated for a person in an article: titles before the name ("Deputy Defense Minister of Russia Viktor Goremykin") and appositions after it ("Gennadiy Lepeshko, head of the Standing Commission ..."); a comma-separated chain of offices gives one row each.';
COMMENT ON COLUMN person_roles.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN person_roles.entity_id IS 'The person (entities.entity_id).';
COMMENT ON COLUMN person_roles.role IS 'The role as written: articles.text[start:end] ("head of the Russian Defense Ministry", "Kremlin spokesman").';
COMMENT ON COLUMN person_roles.organisation_entity_id IS 'The organisation the role names, when it names one (entities.entity_id), else NULL.';
COMMENT ON COLUMN person_roles.country IS 'ISO 3166 alpha-2 country the role ties the person to: a place or nationality named in it, else its organisation''s country; NULL when the role states none.';
COMMENT ON COLUMN person_roles.start IS 'Character offset of the role in articles.text.';
COMMENT ON COLUMN person_roles."end" IS 'Character offset just past the role.';
COMMENT ON COLUMN person_roles.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
