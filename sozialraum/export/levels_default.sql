-- Area levels that have observations, finest first (first hierarchy by name): the default level to export.
SELECT l.level, l.label, l.rank, l.hierarchy, count(DISTINCT o.indicator) AS n_indicators
FROM area_levels l
JOIN observations o USING (level)
GROUP BY ALL
ORDER BY l.rank, l.hierarchy, l.level;
