-- Keys, names and parents of one level's areas, for export tables.
SELECT area_key, name, parent_key
FROM areas
WHERE level = $level
ORDER BY area_key;
