-- Raw observations of the nested levels $levels (from hierarchy_levels.sql), optionally of one period, for the
-- confidentiality gate.
SELECT o.level, o.area_key, o.indicator, o.period, o.value, o.numerator, o.denominator, o.flag, o.source_id
FROM observations o
WHERE list_contains($levels, o.level)
  AND (CAST($period AS VARCHAR) IS NULL OR o.period = CAST($period AS VARCHAR))
ORDER BY o.level, o.area_key, o.indicator, o.period;
