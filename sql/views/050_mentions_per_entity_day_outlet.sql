-- mentions_per_entity_day_outlet: how much each entity is in the news: mentions and articles per
-- entity, publication day and outlet (day or outlet NULL where the article does not state it).
CREATE OR REPLACE VIEW mentions_per_entity_day_outlet AS
SELECT
    e.canonical_name        AS entity,
    e.type,
    a.published_date        AS day,
    a.outlet,
    count(*)                AS mentions,
    count(DISTINCT m.doc_id) AS articles,
    m.entity_id
FROM entity_mentions m
JOIN entities e USING (entity_id)
JOIN articles a USING (doc_id)
GROUP BY ALL
ORDER BY day NULLS LAST, mentions DESC, entity;
