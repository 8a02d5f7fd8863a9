SELECT w.id, w.refs, map_keys(w.tags) AS k, map_values(w.tags) AS v
FROM _clip_ways w WHERE w.id IN (SELECT id FROM _clip_keep) ORDER BY w.id;
