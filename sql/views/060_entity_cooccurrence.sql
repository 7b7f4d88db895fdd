-- entity_cooccurrence: which entities appear together: each pair of distinct entities named in
-- the same article, with how many articles and sentences they share (pairs listed once, A < B).
CREATE OR REPLACE VIEW entity_cooccurrence AS
WITH per_sentence AS (
    SELECT DISTINCT doc_id, sentence, entity_id FROM entity_mentions
), per_article AS (
    SELECT DISTINCT doc_id, entity_id FROM entity_mentions
), shared_articles AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS articles
    FROM per_article a JOIN per_article b ON b.doc_id = a.doc_id AND b.entity_id > a.entity_id
    GROUP BY ALL
), shared_sentences AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS sentences
    FROM per_sentence a
    JOIN per_sentence b ON b.doc_id = a.doc_id AND b.sentence = a.sentence AND b.entity_id > a.entity_id
    GROUP BY ALL
)
SELECT
    ea.canonical_name AS entity_a, ea.type AS type_a,
    eb.canonical_name AS entity_b, eb.type AS type_b,
    s.articles,
    coalesce(t.sentences, 0) AS sentences,
    s.entity_a AS entity_a_id, s.entity_b AS entity_b_id
FROM shared_articles s
LEFT JOIN shared_sentences t USING (entity_a, entity_b)
JOIN entities ea ON ea.entity_id = s.entity_a
JOIN entities eb ON eb.entity_id = s.entity_b
ORDER BY s.articles DESC, sentences DESC, entity_a, entity_b;
