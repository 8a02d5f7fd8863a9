-- Levels with at least one known value, finest first: most areas, then lowest rank, then name.
SELECT l.level, count(DISTINCT a.area_key) AS n_areas
FROM area_levels l
JOIN areas a USING (level)
WHERE EXISTS (SELECT 1 FROM observations o WHERE o.level = l.level AND o.value IS NOT NULL)
GROUP BY l.level, l.rank
ORDER BY n_areas DESC, l.rank, l.level;
