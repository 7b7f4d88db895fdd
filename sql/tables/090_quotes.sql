-- quotes: quoted speech with its speaker.
-- Producer: facts (pipelines/derive.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles, entity_mentions.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT e.canonical_name AS speaker, q.quote, a.outlet, a.published_date, a.title FROM quotes q JOIN articles a USING (doc_id) LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
CREATE TABLE IF NOT EXISTS quotes (
    doc_id             VARCHAR NOT NULL,
    start              INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    quote              VARCHAR NOT NULL,
    speech_verb        VARCHAR,
    speaker_entity_id  VARCHAR
);
COMMENT ON TABLE quotes IS 'One row per quotation: a mark opens or closes by the text around it, whatever its shape (straight, curly, angle; single marks only where they cannot be apostrophes). A quotation may run on into the next paragraph: a mark left open at a paragraph''s end closes there when a later paragraph opens one, as news style continues long quotes. Names, titles, cited headlines and scare quotes are left out: under five words a quote needs a speech verb beside it, and a short one in title case is never speech.';
COMMENT ON COLUMN quotes.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN quotes.start IS 'Character offset of the opening quotation mark in articles.text.';
COMMENT ON COLUMN quotes."end" IS 'Character offset just past the closing quotation mark (or the end of the paragraph, for a quotation continued in the next one).';
COMMENT ON COLUMN quotes.quote IS 'The quoted words, without the quotation marks.';
COMMENT ON COLUMN quotes.speech_verb IS 'The verb of the attribution clause beside the quote (said, told, added, wrote, according...), NULL if none.';
COMMENT ON COLUMN quotes.speaker_entity_id IS 'Who said it (entities.entity_id), a person or an organisation, from the structure of the attribution: the subject of the clause after the quote (", said X", ", X said", ", X, a senior aide, said") or before it in its sentence ("X said: ", "according to X, ", "X, saying: ", "Y responded: "), a byline after a dash; a person before the organisation the clause also names; "he"/"she" and titles ("the minister") resolved by coreference. A quote with no clause of its own continues the speaker of the quote before it unless the narration between names another person, or takes the subject of a speech verb in the sentence before. NULL for a description ("her lawyers said"), a listener ("told Reuters") or no clause: never a guess from the nearest name.';
