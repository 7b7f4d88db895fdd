-- events: what the articles state as happening, coded CAMEO-like from trigger words read in their context.
-- Producer: facts (pipelines/derive.py with pipelines/extraction/events.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles, entity_mentions, date_mentions.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT ev.kind, (SELECT string_agg(e.canonical_name, ', ') FROM entities e WHERE list_contains(ev.actor_entity_ids, e.entity_id)) AS actors, pl.canonical_name AS place, ev.event_date, ev.sentence_text, a.outlet, a.title FROM (SELECT * FROM events LIMIT 5) ev JOIN articles a USING (doc_id) LEFT JOIN entities pl ON pl.entity_id = ev.place_entity_id
CREATE TABLE IF NOT EXISTS events (
    doc_id            VARCHAR NOT NULL,
    sentence          INTEGER NOT NULL,
    kind              VARCHAR NOT NULL CHECK (kind IN ('meeting', 'visit', 'agreement', 'exercise', 'statement', 'deployment', 'other')),
    trigger           VARCHAR NOT NULL,
    name              VARCHAR,
    actor_entity_ids  VARCHAR[] NOT NULL,
    place_entity_id   VARCHAR,
    event_date        DATE,
    date_text         VARCHAR,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    sentence_text     VARCHAR NOT NULL
);
COMMENT ON TABLE events IS 'One row per kind of event a sentence states as happening (a sentence about a meeting where an agreement was signed gives a meeting and an agreement). A trigger word alone is no event: an agreement is signed or reached, a visit names the place visited and a person visiting, exercises are military, a deployment is of forces, a statement is issued or announced (not every "said"); nothing under a negation, in a question or addressed to "you".';
COMMENT ON COLUMN events.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN events.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
COMMENT ON COLUMN events.kind IS 'meeting, visit, agreement, exercise, statement (announced, declared, said in or issued a statement or press release), deployment, or other (attacks, threats, accusations, sanctions).';
COMMENT ON COLUMN events.trigger IS 'The word or pair of words that signalled the event, lower-cased ("met", "signed", "exercises", "together with", "statement").';
COMMENT ON COLUMN events.name IS 'For exercises, the exercise''s name when the sentence gives one ("Zapad", "Allied Resolve"), else NULL.';
COMMENT ON COLUMN events.actor_entity_ids IS 'Who took part (entities.entity_id), in order of mention, from the trigger''s own clause (not a clause opened by "who", "which", "that", "after" and the like, nor one joined by ", and"): for a meeting, the subject and object of its predicate (only the object when the subject is a group without a name, "five unions met John Prescott"); for a visit, the person visiting; for a statement, its author; otherwise the people of the clause, less those only reporting it ("according to X", "X said." closing it); failing people, its organisations; else its places other than the event''s place. Empty when none is named.';
COMMENT ON COLUMN events.place_entity_id IS 'Where (entities.entity_id): for a visit, the place visited; else the location after "in" or "at" (else "near") nearest the trigger in the trigger''s own clause, or, in a clause opened by "where", the place it refers to ("Texas, where he met ..."); NULL when that clause names none.';
COMMENT ON COLUMN events.event_date IS 'The resolved date (date_mentions.resolved_date) of the date nearest the trigger in the sentence; NULL when the sentence states none or it cannot be resolved.';
COMMENT ON COLUMN events.date_text IS 'That date as written, even when it cannot be resolved ("June 23" in an undated article).';
COMMENT ON COLUMN events.start IS 'Character offset of the sentence in articles.text: the evidence for the event.';
COMMENT ON COLUMN events."end" IS 'Character offset just past the sentence.';
COMMENT ON COLUMN events.sentence_text IS 'The sentence: articles.text[start:end].';
