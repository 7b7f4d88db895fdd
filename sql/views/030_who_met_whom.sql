-- who_met_whom: pairs of people reported meeting, with where, when and the evidence: one row per
-- pair per meeting sentence (an event of kind 'meeting' with two or more people among its actors).
CREATE OR REPLACE VIEW who_met_whom AS
WITH meeting_people AS (
    SELECT ev.doc_id, ev.sentence, ev.place_entity_id, ev.event_date, ev.date_text, ev.sentence_text,
           actor.entity_id, actor.position
    FROM events ev,
         UNNEST(ev.actor_entity_ids) WITH ORDINALITY AS actor(entity_id, position)
    WHERE ev.kind = 'meeting'
)
SELECT
    pa.canonical_name  AS person,
    pb.canonical_name  AS met_with,
    pl.canonical_name  AS place,
    a.event_date,
    a.date_text,
    art.outlet,
    art.published_date,
    art.language,
    a.doc_id,
    a.sentence_text    AS evidence
FROM meeting_people a
JOIN meeting_people b ON b.doc_id = a.doc_id AND b.sentence = a.sentence AND b.position > a.position
JOIN entities pa ON pa.entity_id = a.entity_id AND pa.type = 'PERSON'
JOIN entities pb ON pb.entity_id = b.entity_id AND pb.type = 'PERSON'
LEFT JOIN entities pl ON pl.entity_id = a.place_entity_id
JOIN articles art ON art.doc_id = a.doc_id
ORDER BY a.event_date NULLS LAST, person, met_with, a.doc_id;
