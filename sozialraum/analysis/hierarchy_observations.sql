-- Raw observations of every level of one hierarchy (optionally one period), for the confidentiality gate.
SELECT o.level, o.area_key, o.indicator, o.period, o.value, o.numerator, o.denominator, o.flag, o.source_id
FROM observations o
JOIN area_levels l USING (level)
WHERE l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
  AND (CAST($period AS VARCHAR) IS NULL OR o.period = CAST($period AS VARCHAR))
ORDER BY o.level, o.area_key, o.indicator, o.period;
