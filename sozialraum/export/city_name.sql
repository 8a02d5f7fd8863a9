-- Name of the single area at the top of the hierarchy that $level belongs to (the city or district), if any.
SELECT a.name
FROM areas a
JOIN area_levels l USING (level)
WHERE l.hierarchy = (SELECT hierarchy FROM area_levels WHERE level = $level)
  AND l.parent_level IS NULL;
