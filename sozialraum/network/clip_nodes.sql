SELECT n.id, n.lat, n.lon, map_keys(n.tags) AS k, map_values(n.tags) AS v
FROM _clip_nodes n
WHERE n.id IN (SELECT unnest(refs) FROM _clip_ways WHERE id IN (SELECT id FROM _clip_keep))
ORDER BY n.id;
