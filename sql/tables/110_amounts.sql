-- amounts: counted things the articles state ("about seven thousand soldiers", "over 160 agreements").
-- Producer: facts (pipelines/derive.py with pipelines/extraction/amounts.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
CREATE TABLE IF NOT EXISTS amounts (
    doc_id      VARCHAR NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    value_high  DOUBLE,
    qualifier   VARCHAR,
    object      VARCHAR NOT NULL,
    currency    VARCHAR,
    unit        VARCHAR NOT NULL,
    sentence    INTEGER NOT NULL
);
COMMENT ON TABLE amounts IS 'One row per number that counts something, sums of money and percentages included: digits or number words, with its qualifier and the object phrase it counts. A ratio ("three out of four") is not an amount.';
COMMENT ON COLUMN amounts.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN amounts.start IS 'Character offset in articles.text where the amount begins (its qualifier, if any).';
COMMENT ON COLUMN amounts."end" IS 'Character offset just past the object phrase.';
COMMENT ON COLUMN amounts.text IS 'The amount as written: articles.text[start:end].';
COMMENT ON COLUMN amounts.value IS 'The number in units ("seven thousand" is 7000, "1.5 million" is 1500000, "£37.5bn" is 37500000000); for a range, its low end.';
COMMENT ON COLUMN amounts.value_high IS 'The high end of a range ("5,000-7,000", "between 5 and 7"), else NULL.';
COMMENT ON COLUMN amounts.qualifier IS 'The hedge before the number, lower-cased (about, over, up to, at least, between...), else NULL.';
COMMENT ON COLUMN amounts.object IS 'What is counted: the noun phrase after the number ("search sites", "pieces of equipment"), or percent, dollars, euros, pounds.';
COMMENT ON COLUMN amounts.currency IS 'ISO 4217 code of a sum of money, from the sign or the currency word ("$" USD, "£" GBP, "€" EUR, "roubles" RUB), else NULL.';
COMMENT ON COLUMN amounts.unit IS 'money (currency set), percent ("3.5%", "2 per cent"), or count.';
COMMENT ON COLUMN amounts.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
