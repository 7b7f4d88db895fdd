-- amounts: counted things and sums of money the articles state ("about seven thousand soldiers", "£35bn for new schools").
-- Producer: facts (pipelines/derive.py with pipelines/extraction/amounts.py, run by the asset in pipelines/assets/facts.py).
-- Upstream: articles.
-- Derived: per article from articles.text, so a change of its columns drops and re-derives every derived table.
-- Preview: SELECT am.text, am.value, am.currency, am.unit, am.object, a.outlet, a.title FROM amounts am JOIN articles a USING (doc_id)
CREATE TABLE IF NOT EXISTS amounts (
    doc_id      VARCHAR NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    value_high  DOUBLE,
    qualifier   VARCHAR,
    object      VARCHAR,
    currency    VARCHAR,
    unit        VARCHAR NOT NULL,
    sentence    INTEGER NOT NULL
);
COMMENT ON TABLE amounts IS 'One row per number that counts something, sums of money and percentages included: digits or number words, with its qualifier and its object. A ratio ("three out of four"), a number that names a thing ("chapter 11") and the end of a range after a year ("the 2005-6 budget") are not amounts.';
COMMENT ON COLUMN amounts.doc_id IS 'The article (articles.doc_id).';
COMMENT ON COLUMN amounts.start IS 'Character offset in articles.text where the amount begins (its qualifier, if any).';
COMMENT ON COLUMN amounts."end" IS 'Character offset just past the amount as written: a count with its object phrase, a sum of money with its currency word if it has one.';
COMMENT ON COLUMN amounts.text IS 'The amount as written: articles.text[start:end].';
COMMENT ON COLUMN amounts.value IS 'The number in units ("seven thousand" is 7000, "1.5 million" is 1500000, "£37.5bn" is 37500000000, "8.5 cents" is 0.085 in USD); for a range, its low end.';
COMMENT ON COLUMN amounts.value_high IS 'The high end of a range ("5,000-7,000", "between 5 and 7"), else NULL.';
COMMENT ON COLUMN amounts.qualifier IS 'The hedge before the number, lower-cased (about, over, up to, at least, between...), else NULL.';
COMMENT ON COLUMN amounts.object IS 'For a count, what is counted: the noun phrase after the number ("search sites", "pieces of equipment"); for a percentage, percent; for a sum of money, what the money is for or is, as written ("for new schools", "in damages", "a net loss", "deal"), NULL when the text does not say.';
COMMENT ON COLUMN amounts.currency IS 'ISO 4217 code of a sum of money, from the sign or the currency word ("$" USD, "A$" AUD, "£" GBP, "€" EUR, "roubles" RUB, "rials" IRR, "cents" USD, "Australian dollars" AUD), else NULL.';
COMMENT ON COLUMN amounts.unit IS 'money (currency set), percent ("3.5%", "2 per cent"), or count.';
COMMENT ON COLUMN amounts.sentence IS 'Sentence number within the article, as in entity_mentions.sentence.';
