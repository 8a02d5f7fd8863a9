-- Sum count indicators from one level ($child) to its parent level ($parent).
-- A parent gets a value only when every child area has a known value; otherwise NULL flagged 'missing'.
-- A sum over a value flagged 'doubtful' (a confirmed plausibility warning) is 'doubtful' too.
-- Observations imported directly at the parent level win over derived ones.
INSERT INTO observations (level, area_key, indicator, period, value, numerator, denominator, flag, source_id, derived)
WITH children AS (
    SELECT parent_key, count(*) AS n_children
    FROM areas WHERE level = $child AND parent_key IS NOT NULL
    GROUP BY parent_key
)
SELECT $parent, a.parent_key, o.indicator, o.period,
       CASE WHEN count(o.value) = max(c.n_children) THEN sum(o.value) END,
       NULL, NULL,
       CASE WHEN count(o.value) < max(c.n_children) THEN 'missing'
            WHEN bool_or(o.flag = 'doubtful') THEN 'doubtful' END,
       min(o.source_id), TRUE
FROM observations o
JOIN areas a ON a.level = o.level AND a.area_key = o.area_key
JOIN children c ON c.parent_key = a.parent_key
JOIN indicators i ON i.indicator = o.indicator AND i.aggregation = 'sum'
WHERE o.level = $child
  AND NOT EXISTS (
      SELECT 1 FROM observations p
      WHERE p.level = $parent AND p.area_key = a.parent_key AND p.indicator = o.indicator AND p.period = o.period)
GROUP BY a.parent_key, o.indicator, o.period;
