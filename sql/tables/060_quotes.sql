-- quotes: quoted speech with its speaker.
-- Producer: the `facts` multi-asset in pipelines/assets/facts.py.
CREATE TABLE IF NOT EXISTS quotes (
    doc_id             VARCHAR NOT NULL,
    start              INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    quote              VARCHAR NOT NULL,
    speech_verb        VARCHAR,
    speaker_entity_id  VARCHAR
);
COMMENT ON TABLE quotes IS 'One row per quotation of two or more words in straight, curly or angle quotes.';
COMMENT ON COLUMN quotes.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN quotes.start IS 'Character offset of the opening quotation mark in articles.text.';
COMMENT ON COLUMN quotes."end" IS 'Character offset just past the closing quotation mark.';
COMMENT ON COLUMN quotes.quote IS 'The quoted words, without the quotation marks.';
COMMENT ON COLUMN quotes.speech_verb IS 'The speech verb of the quote''s sentence (said, stated, added...), NULL if none.';
COMMENT ON COLUMN quotes.speaker_entity_id IS 'Who said it (entities.entity_id): the person beside the speech verb, else the nearest before it; "he"/"she" resolve to the nearest person mentioned earlier. NULL when unknown.';
