-- Child → parent level pairs in the order counts must be summed: the deepest child first, so that a parent is
-- complete before it is summed into its own parent (whatever the levels' hierarchy names and ranks say).
WITH RECURSIVE chain(level, depth) AS (
    SELECT level, 0 FROM area_levels
    WHERE parent_level IS NULL OR parent_level NOT IN (SELECT level FROM area_levels)
    UNION ALL
    SELECT l.level, c.depth + 1 FROM area_levels l JOIN chain c ON l.parent_level = c.level
)
SELECT l.level, l.parent_level
FROM area_levels l
JOIN chain c USING (level)
WHERE l.parent_level IS NOT NULL
ORDER BY c.depth DESC, l.hierarchy, l.rank, l.level;
