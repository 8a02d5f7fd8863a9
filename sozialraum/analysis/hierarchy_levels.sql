-- Every level of the hierarchy that $level belongs to, finest first.
SELECT level, parent_level, rank
FROM area_levels
WHERE hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
ORDER BY rank, level;
