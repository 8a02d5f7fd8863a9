-- Residents per km² of the whole store: the coarsest level with resident counts, at its latest period
-- (only areas with a value count towards the area). One row: residents, km².
WITH lv AS (
    SELECT o.level, max(o.period) AS period, max(l.rank) AS rank
    FROM observations o JOIN area_levels l USING (level)
    WHERE o.indicator = 'ew_gesamt' AND o.value IS NOT NULL
    GROUP BY o.level
    ORDER BY rank DESC
    LIMIT 1
)
SELECT sum(o.value) AS residents, sum(a.area_m2) / 1e6 AS km2
FROM observations o
JOIN lv ON o.level = lv.level AND o.period = lv.period
JOIN areas a ON a.level = o.level AND a.area_key = o.area_key
WHERE o.indicator = 'ew_gesamt' AND o.value IS NOT NULL;
