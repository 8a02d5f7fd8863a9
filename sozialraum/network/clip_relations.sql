-- Turn restrictions (type=restriction, incl. conditional ones) whose members are all kept by the clip: every way
-- member among the kept streets, every node member among their nodes. Written after the ways.
WITH rel AS (
    SELECT id, tags, refs, ref_roles, ref_types FROM ST_ReadOSM($path)
    WHERE kind = 'relation' AND tags['type'] IN ('restriction', 'restriction:conditional')
), members AS (
    SELECT r.id, unnest(r.refs) AS ref, unnest(r.ref_types)::VARCHAR AS typ FROM rel r
), kept_nodes AS (
    SELECT DISTINCT unnest(refs) AS id FROM _clip_ways WHERE id IN (SELECT id FROM _clip_keep)
), bad AS (
    SELECT DISTINCT m.id FROM members m
    WHERE (m.typ = 'way' AND m.ref NOT IN (SELECT id FROM _clip_keep))
       OR (m.typ = 'node' AND m.ref NOT IN (SELECT id FROM kept_nodes))
       OR m.typ = 'relation'
)
SELECT r.id, r.refs, r.ref_roles, r.ref_types::VARCHAR[] AS ref_types, map_keys(r.tags) AS k, map_values(r.tags) AS v
FROM rel r WHERE r.id NOT IN (SELECT id FROM bad) ORDER BY r.id;
