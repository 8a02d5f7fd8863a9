-- Every level nested with $level, finest first: the levels linked to it through parent_level (whatever their
-- hierarchy name: levels imported one by one each get their own name) plus those of its named hierarchy.
WITH RECURSIVE chain(level, root) AS (
    SELECT level, level FROM area_levels
    WHERE parent_level IS NULL OR parent_level NOT IN (SELECT level FROM area_levels)
    UNION ALL
    SELECT l.level, c.root FROM area_levels l JOIN chain c ON l.parent_level = c.level
)
SELECT l.level, l.parent_level, l.rank
FROM area_levels l
LEFT JOIN chain c USING (level)
WHERE c.root IN (SELECT root FROM chain WHERE level = $level)
   OR l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
ORDER BY l.rank, l.level;
