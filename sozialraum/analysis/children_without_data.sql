-- Areas of $level with the children (one level finer) that have no known value of $indicator in $period.
SELECT c.parent_key, c.area_key AS child_key, cl.label AS child_label
FROM area_levels cl
JOIN areas c ON c.level = cl.level
WHERE cl.parent_level = $level
  AND c.parent_key IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM observations o
      WHERE o.level = c.level AND o.area_key = c.area_key AND o.indicator = $indicator AND o.period = $period
        AND o.value IS NOT NULL)
ORDER BY c.parent_key, c.area_key;
