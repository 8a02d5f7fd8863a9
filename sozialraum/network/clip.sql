-- Ways of the street network (highway=*) with at least one node inside the box, kept whole, and their nodes.
-- Parameters: $path (PBF file), $x0, $y0, $x1, $y1 (WGS84 box). Turn restrictions: clip_relations.sql.
CREATE OR REPLACE TEMP TABLE _clip_ways AS
    SELECT id, tags, refs FROM ST_ReadOSM($path) WHERE kind = 'way' AND map_contains(tags, 'highway');
CREATE OR REPLACE TEMP TABLE _clip_nodes AS
    SELECT id, lat, lon, tags FROM ST_ReadOSM($path) WHERE kind = 'node';
CREATE OR REPLACE TEMP TABLE _clip_keep AS
    SELECT DISTINCT x.id FROM (SELECT id, unnest(refs) AS ref FROM _clip_ways) x
    JOIN _clip_nodes n ON n.id = x.ref
    WHERE n.lon BETWEEN $x0 AND $x1 AND n.lat BETWEEN $y0 AND $y1;
