-- Re-derive every ratio indicator at every level from its numerator and denominator counts (never averaged).
-- A rate built on a 'doubtful' count is 'doubtful' too.
INSERT INTO observations (level, area_key, indicator, period, value, numerator, denominator, flag, source_id, derived)
SELECT n.level, n.area_key, i.indicator, n.period,
       CASE WHEN d.value > 0 AND n.value IS NOT NULL THEN n.value / d.value * i.scale END,
       n.value, d.value,
       CASE WHEN n.value IS NULL OR d.value IS NULL OR d.value <= 0 THEN 'missing'
            WHEN n.flag = 'doubtful' OR d.flag = 'doubtful' THEN 'doubtful' END,
       n.source_id, TRUE
FROM indicators i
JOIN observations n ON n.indicator = i.numerator
JOIN observations d ON d.indicator = i.denominator
                   AND d.level = n.level AND d.area_key = n.area_key AND d.period = n.period
WHERE i.aggregation = 'ratio'
  AND NOT EXISTS (
      SELECT 1 FROM observations r
      WHERE r.level = n.level AND r.area_key = n.area_key AND r.indicator = i.indicator AND r.period = n.period);
