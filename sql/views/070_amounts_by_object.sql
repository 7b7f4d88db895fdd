-- amounts_by_object: how many of what: every counted object (troops, soldiers, agreements ...) with
-- how often it is counted, the smallest and largest figures, and each figure as written. Sums of
-- money whose text does not say what they are for (NULL object) are left out.
CREATE OR REPLACE VIEW amounts_by_object AS
SELECT
    lower(am.object)                        AS object,
    count(*)                                AS times_counted,
    count(DISTINCT am.doc_id)               AS articles,
    min(am.value)                           AS smallest,
    max(coalesce(am.value_high, am.value))  AS largest,
    list(am.text ORDER BY a.published_date NULLS LAST, am.doc_id, am.start) AS as_written,
    list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets
FROM amounts am
JOIN articles a USING (doc_id)
WHERE am.object IS NOT NULL
GROUP BY lower(am.object)
ORDER BY times_counted DESC, object;
