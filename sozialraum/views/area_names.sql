-- Keys, names and parents of one level's areas.
SELECT area_key, name, parent_key
FROM areas
WHERE level = $level
ORDER BY area_key;
