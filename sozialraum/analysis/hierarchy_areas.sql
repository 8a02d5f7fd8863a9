-- Area keys and parent keys of every level of one hierarchy.
SELECT a.level, a.area_key, a.parent_key
FROM areas a
JOIN area_levels l USING (level)
WHERE l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
ORDER BY l.rank, a.area_key;
