-- Levels where $indicator has imported (not derived) values in $period without counts behind them.
SELECT o.level, l.label, count(*) AS n
FROM observations o
JOIN area_levels l USING (level)
WHERE o.indicator = $indicator AND o.period = $period AND o.value IS NOT NULL AND NOT o.derived
  AND o.numerator IS NULL
GROUP BY ALL
ORDER BY n DESC, o.level;
