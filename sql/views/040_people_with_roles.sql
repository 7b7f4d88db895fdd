-- people_with_roles: who is who: every role an article gives a person, with the organisation
-- and country the role names, the person's country, and where it was said.
CREATE OR REPLACE VIEW people_with_roles AS
SELECT
    p.canonical_name   AS person,
    p.country          AS person_country,
    r.role,
    o.canonical_name   AS organisation,
    r.country          AS role_country,
    a.outlet,
    a.published_date,
    r.doc_id
FROM person_roles r
JOIN entities p ON p.entity_id = r.entity_id
LEFT JOIN entities o ON o.entity_id = r.organisation_entity_id
JOIN articles a ON a.doc_id = r.doc_id
ORDER BY person, a.published_date NULLS LAST, r.doc_id, r.start;
