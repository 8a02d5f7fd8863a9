-- Area keys and parent keys of every level nested with $level (see hierarchy_levels.sql).
WITH RECURSIVE chain(level, root) AS (
    SELECT level, level FROM area_levels
    WHERE parent_level IS NULL OR parent_level NOT IN (SELECT level FROM area_levels)
    UNION ALL
    SELECT l.level, c.root FROM area_levels l JOIN chain c ON l.parent_level = c.level
),
nested AS (
    SELECT l.level, l.rank FROM area_levels l LEFT JOIN chain c USING (level)
    WHERE c.root IN (SELECT root FROM chain WHERE level = $level)
       OR l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
)
SELECT a.level, a.area_key, a.parent_key
FROM areas a
JOIN nested n USING (level)
ORDER BY n.rank, a.level, a.area_key;
