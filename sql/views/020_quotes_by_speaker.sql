-- quotes_by_speaker: what did X say, where and when: every attributed quote with its speaker,
-- outlet, date and language (a Russian article's speaker is the same entity as in English coverage).
CREATE OR REPLACE VIEW quotes_by_speaker AS
SELECT
    e.canonical_name   AS speaker,
    q.quote,
    q.speech_verb,
    a.outlet,
    a.published_date,
    a.language,
    a.title,
    q.doc_id
FROM quotes q
JOIN entities e ON e.entity_id = q.speaker_entity_id
JOIN articles a ON a.doc_id = q.doc_id
ORDER BY speaker, a.published_date NULLS LAST, q.doc_id, q.start;
