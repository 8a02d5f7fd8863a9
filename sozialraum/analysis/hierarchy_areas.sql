-- Area keys and parent keys of the nested levels $levels (from hierarchy_levels.sql).
SELECT a.level, a.area_key, a.parent_key
FROM areas a
JOIN area_levels l USING (level)
WHERE list_contains($levels, a.level)
ORDER BY l.rank, a.level, a.area_key;
