-- near_duplicate_groups: one story's renderings, reprints and corrected versions together, with
-- the outlets that carried it and when it was first and last seen: "which outlets said it".
-- Only groups of two or more articles; the group is named by its earliest article.
CREATE OR REPLACE VIEW near_duplicate_groups AS
SELECT
    coalesce(a.near_duplicate_of, a.doc_id)                   AS first_doc_id,
    any_value(a.title ORDER BY r.first_seen, a.doc_id)       AS title,
    count(*)                                                  AS articles,
    list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
    min(a.published_date)                                     AS first_published,
    max(a.published_date)                                     AS last_published,
    min(r.first_seen)                                         AS first_seen,
    max(r.first_seen)                                         AS last_seen,
    list(a.doc_id ORDER BY r.first_seen, a.doc_id)            AS doc_ids
FROM articles a
JOIN raw_documents r USING (doc_id)
GROUP BY ALL
HAVING count(*) > 1
ORDER BY articles DESC, first_seen, first_doc_id;
