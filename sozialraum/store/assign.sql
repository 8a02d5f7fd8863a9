-- Assign the points of one point table to the areas of one level that contain them (metric geometry).
-- {table} and {id_col} are filled in from a fixed list in assign.py; $level is a parameter.
-- A point on a shared border lies in no polygon's interior: ST_Intersects catches it, and the smallest
-- area key wins so the answer is deterministic. Points outside every area get area_key NULL.
SELECT p.{id_col} AS point_id,
       min(a.area_key) AS area_key
FROM {table} p
LEFT JOIN areas a
       ON a.level = $level AND ST_Intersects(p.geom, a.geom)
GROUP BY p.{id_col}
ORDER BY p.{id_col};
