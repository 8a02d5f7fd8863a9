"""Clip an OSM extract to a box (the store's areas plus a margin) before the engine builds on it.

A planner's extract is often a whole Land; the engine only needs the streets around the store's areas. DuckDB
spatial reads the PBF; the streets (``highway=*`` ways with a node in the box, kept whole), their nodes and the
turn restrictions among them (relations ``type=restriction`` whose members are all kept) are written as OSM XML,
which the engine's build tools read like a PBF.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

BATCH = 50_000


def _tags(keys, values) -> str:
    if not keys:
        return ""
    return "".join(f"<tag k={quoteattr(str(k))} v={quoteattr(str(v))}/>" for k, v in zip(keys, values))


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def clip_osm(osm_path: Path, box: tuple[float, float, float, float], out_path: Path) -> dict:
    """Write the streets of ``osm_path`` within ``box`` (lon0, lat0, lon1, lat1) to ``out_path`` (.osm XML).

    Returns the numbers of nodes and ways written and ``lonlat``, the street nodes' coordinates (n × 2), so that the
    caller can check that the extract covers the store's areas."""
    import duckdb
    import numpy as np

    from sozialraum.errors import InputError
    from sozialraum.store import connect
    from sozialraum.store.connection import read_sql

    folder = Path(__file__).parent
    con = connect(":memory:")
    try:
        params = {"path": str(osm_path), "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3]}
        try:
            for statement in _statements(read_sql("clip.sql", folder)):
                con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
        except duckdb.Error as exc:
            raise InputError(f"Der OpenStreetMap-Auszug lässt sich nicht lesen (beschädigt oder unvollständig "
                             f"heruntergeladen?): {str(exc).splitlines()[0][:200]}", file=Path(osm_path).name) from None
        counts = {"nodes": 0, "ways": 0}
        coords = []
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"sozialraum\">\n")
            cur = con.execute(read_sql("clip_nodes.sql", folder))
            while rows := cur.fetchmany(BATCH):
                coords.extend((lon, lat) for _nid, lat, lon, _k, _v in rows)
                for nid, lat, lon, k, v in rows:
                    tags = _tags(k, v)
                    f.write(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"'
                            + (f">{tags}</node>\n" if tags else "/>\n"))
                counts["nodes"] += len(rows)
            cur = con.execute(read_sql("clip_ways.sql", folder))
            while rows := cur.fetchmany(BATCH):
                for wid, refs, k, v in rows:
                    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
                    f.write(f'<way id="{wid}" version="1">{nds}{_tags(k, v)}</way>\n')
                counts["ways"] += len(rows)
            counts["restrictions"] = 0
            cur = con.execute(read_sql("clip_relations.sql", folder), {"path": str(osm_path)})
            while rows := cur.fetchmany(BATCH):
                for rid, refs, roles, types, k, v in rows:
                    members = "".join(f'<member type="{t}" ref="{r}" role={quoteattr(str(role or ""))}/>'
                                      for r, role, t in zip(refs, roles, types))
                    f.write(f'<relation id="{rid}" version="1">{members}{_tags(k, v)}</relation>\n')
                counts["restrictions"] += len(rows)
            f.write("</osm>\n")
    finally:
        con.close()
    counts["lonlat"] = np.asarray(coords, dtype="float64").reshape(-1, 2)
    return counts
