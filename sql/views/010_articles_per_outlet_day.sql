-- articles_per_outlet_day: how much each outlet published per day, the first question of any
-- coverage analysis. Articles without a stated date count under a NULL day.
CREATE OR REPLACE VIEW articles_per_outlet_day AS
SELECT
    coalesce(outlet, '(unknown)')                 AS outlet,
    published_date                                AS day,
    count(*)                                      AS articles,
    count(*) FILTER (WHERE near_duplicate_of IS NULL) AS distinct_articles,
    sum(word_count)                               AS words
FROM articles
GROUP BY ALL
ORDER BY day DESC NULLS LAST, articles DESC, outlet;
