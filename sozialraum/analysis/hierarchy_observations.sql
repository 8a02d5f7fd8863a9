-- Raw observations of every level nested with $level (see hierarchy_levels.sql), optionally of one period,
-- for the confidentiality gate.
WITH RECURSIVE chain(level, root) AS (
    SELECT level, level FROM area_levels
    WHERE parent_level IS NULL OR parent_level NOT IN (SELECT level FROM area_levels)
    UNION ALL
    SELECT l.level, c.root FROM area_levels l JOIN chain c ON l.parent_level = c.level
),
nested AS (
    SELECT l.level FROM area_levels l LEFT JOIN chain c USING (level)
    WHERE c.root IN (SELECT root FROM chain WHERE level = $level)
       OR l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
)
SELECT o.level, o.area_key, o.indicator, o.period, o.value, o.numerator, o.denominator, o.flag, o.source_id
FROM observations o
JOIN nested USING (level)
WHERE (CAST($period AS VARCHAR) IS NULL OR o.period = CAST($period AS VARCHAR))
ORDER BY o.level, o.area_key, o.indicator, o.period;
