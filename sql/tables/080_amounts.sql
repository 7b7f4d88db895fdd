-- amounts: counted things the articles state ("about seven thousand soldiers", "over 160 agreements").
-- Producer: the `facts` multi-asset in pipelines/assets/facts.py (pipelines/extraction/amounts.py).
CREATE TABLE IF NOT EXISTS amounts (
    doc_id      VARCHAR NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    value_high  DOUBLE,
    qualifier   VARCHAR,
    object      VARCHAR NOT NULL,
    sentence    INTEGER NOT NULL
);
COMMENT ON TABLE amounts IS 'One row per number that counts something: digits or number words, with its qualifier and the object phrase it counts.';
COMMENT ON COLUMN amounts.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN amounts.start IS 'Character offset in articles.text where the amount begins (its qualifier, if any).';
COMMENT ON COLUMN amounts."end" IS 'Character offset just past the object phrase.';
COMMENT ON COLUMN amounts.text IS 'The amount as written: articles.text[start:end].';
COMMENT ON COLUMN amounts.value IS 'The number ("seven thousand" is 7000, "1.5 million" is 1500000); for a range, its low end.';
COMMENT ON COLUMN amounts.value_high IS 'The high end of a range ("5,000-7,000", "between 5 and 7"), else NULL.';
COMMENT ON COLUMN amounts.qualifier IS 'The hedge before the number, lower-cased (about, over, up to, at least, between...), else NULL.';
COMMENT ON COLUMN amounts.object IS 'What is counted: the noun phrase after the number ("search sites", "pieces of equipment"), or percent, dollars, euros, pounds.';
COMMENT ON COLUMN amounts.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
