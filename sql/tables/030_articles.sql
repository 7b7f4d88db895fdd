-- articles: the clean article behind each raw document that has one.
-- Producer: ingest (pipelines/refresh.py, run by the asset in pipelines/assets/ingest.py).
-- Upstream: raw_documents.
-- Preview: SELECT title, outlet, published_date, dateline_place, language, word_count, cleaning_method, doc_id[:12] AS doc FROM articles
CREATE TABLE IF NOT EXISTS articles (
    doc_id             VARCHAR PRIMARY KEY,
    url                VARCHAR,
    outlet             VARCHAR,
    title              VARCHAR,
    published_date     DATE,
    published_time     TIME,
    published_date_source VARCHAR,
    dateline_place     VARCHAR,
    author             VARCHAR,
    language           VARCHAR,
    text               VARCHAR NOT NULL,
    word_count         INTEGER NOT NULL,
    cleaning_method    VARCHAR NOT NULL,
    cleaning_version   VARCHAR NOT NULL,
    minhash            UINTEGER[] NOT NULL,
    shingle_count      INTEGER NOT NULL,
    near_duplicate_of  VARCHAR,
    cleaned_at         TIMESTAMP NOT NULL
);
COMMENT ON TABLE articles IS 'Clean main text and metadata of each article, one row per raw document that holds one.';
COMMENT ON COLUMN articles.doc_id IS 'The raw document this article was cleaned from (raw_documents.doc_id).';
COMMENT ON COLUMN articles.url IS 'Canonical or fetch URL when the page or WARC record states one, else NULL.';
COMMENT ON COLUMN articles.outlet IS 'Publishing outlet or site name (page metadata, a dateline such as "(BelTA)", or the URL host), NULL when unknown.';
COMMENT ON COLUMN articles.title IS 'Headline of the page: its h1 that shares words with the declared titles (og:title, <title>), else the declared title without the site name (pipelines/cleaning/metadata.py).';
COMMENT ON COLUMN articles.published_date IS 'Day of publication, kept only when the evidence of the page agrees (pipelines/cleaning/published.py: a date line by the headline, the URL, JSON-LD, meta tags, marked elements, htmldate, each weighted); NULL when the page does not say or its evidence disagrees (never guessed from a year in the text).';
COMMENT ON COLUMN articles.published_date_source IS 'Weightiest evidence stating published_date: text (a date line by the headline, a line labelled as the publication date anywhere on the page, or a plain-text page''s date line), url, json-ld (datePublished), meta (a published-time tag), element (itemprop=datePublished or <time pubdate>), htmldate; NULL when published_date is.';
COMMENT ON COLUMN articles.published_time IS 'Publication time of day when stated alongside the date, else NULL.';
COMMENT ON COLUMN articles.dateline_place IS 'Place named in the dateline that opens the body (e.g. Minsk in "MINSK, 28 November (BelTA) –"), else NULL.';
COMMENT ON COLUMN articles.author IS 'Byline author(s) when stated (JSON-LD author, author meta tags, a byline element or "Written by" label), several joined by commas; never a URL or e-mail, nor a JSON-LD Organization; else NULL.';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 code of the text language, detected from its stop words (NULL when too short to tell).';
COMMENT ON COLUMN articles.text IS 'Clean main text: paragraphs separated by blank lines, boilerplate removed.';
COMMENT ON COLUMN articles.word_count IS 'Number of words in text.';
COMMENT ON COLUMN articles.cleaning_method IS 'Which cleaning path produced text (e.g. html:trafilatura, html:readability, text:lines).';
COMMENT ON COLUMN articles.cleaning_version IS 'Version of the cleaning code; a re-clean happens when it changes.';
COMMENT ON COLUMN articles.minhash IS 'MinHash signature (120 values) of the word 5-grams of text, for near-duplicate detection (pipelines/cleaning/minhash.py).';
COMMENT ON COLUMN articles.shingle_count IS 'Number of distinct word 5-grams of text, to estimate containment from two signatures.';
COMMENT ON COLUMN articles.near_duplicate_of IS 'doc_id of the earliest article (by raw_documents.first_seen, then doc_id) of this article''s near-duplicate group, NULL for that earliest article and for articles with no near-duplicate. Two articles are near-duplicates when at least 75% of the word 5-grams of the shorter text are in the other (estimated from the signatures); groups join what such pairs connect.';
COMMENT ON COLUMN articles.cleaned_at IS 'Start time (UTC) of the run that cleaned this article.';
