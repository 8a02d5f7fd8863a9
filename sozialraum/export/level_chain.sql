-- $level and its ancestors' levels, finest first, with labels.
SELECT level, label, parent_level, rank
FROM area_levels
WHERE hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
  AND rank >= (SELECT rank FROM area_levels WHERE level = $level)
ORDER BY rank;
