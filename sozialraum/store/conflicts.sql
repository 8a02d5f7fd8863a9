-- Rows of the batch (``{frame}``) whose key already belongs to another source, with that source's title.
-- {table} and {keys} come from a fixed list in write.py, never from user input.
SELECT {keys_t}, t.source_id, s.title
FROM {table} t
JOIN {frame} b USING ({keys})
LEFT JOIN sources s ON s.source_id = t.source_id
WHERE t.source_id <> ?
ORDER BY ALL
LIMIT 20
