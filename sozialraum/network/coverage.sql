-- An inner point (WGS84) of every area of the finest level: does the OSM extract have streets near each of them?
SELECT a.name, ST_X(a.p) AS lon, ST_Y(a.p) AS lat
FROM (SELECT name, level, ST_PointOnSurface(geom_wgs84) AS p FROM areas) a
JOIN area_levels l USING (level)
WHERE l.rank = (SELECT min(rank) FROM area_levels)
