"""Write OpenStreetMap data (nodes with lon/lat, ways with tags) as OSM XML (``.osm``) or PBF (``.osm.pbf``).

``write_osm(path, nodes, ways, *, node_tags=None, generator=...)``
    ``nodes``: ``OsmNodes(ids, lon, lat)`` (arrays, WGS84); ``ways``: ``[OsmWay(id, refs, tags), ...]``;
    ``node_tags``: ``{node_id: {key: value}}``. The format follows the file name: ``.pbf`` → PBF (zlib blobs,
    dense nodes, 8,000 entities per block, as osmium and OSRM/Valhalla read it), otherwise OSM XML 0.6.
    Output is byte-for-byte deterministic: same input, same file (no timestamps).

Both formats are written by this module itself (PBF: protobuf wire format by hand; no extra dependency).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

BLOCK_SIZE = 8000  # entities per PBF block (the format's recommendation)
NANO = 1e7  # coordinates are stored as 1e-7 degrees (granularity 100 nanodegrees)


@dataclass(frozen=True)
class OsmNodes:
    ids: np.ndarray  # int64, positive
    lon: np.ndarray
    lat: np.ndarray


@dataclass(frozen=True)
class OsmWay:
    id: int
    refs: tuple[int, ...]
    tags: dict = field(default_factory=dict)


def write_osm(path: str | Path, nodes: OsmNodes, ways: list[OsmWay], *, node_tags: dict | None = None,
              generator: str = "sozialraum") -> Path:
    path = Path(path)
    _check(nodes, ways)
    data = (_pbf(nodes, ways, node_tags or {}, generator) if path.name.endswith(".pbf")
            else _xml(nodes, ways, node_tags or {}, generator))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _check(nodes: OsmNodes, ways: list[OsmWay]) -> None:
    ids = np.asarray(nodes.ids)
    if len(ids) != len(nodes.lon) or len(ids) != len(nodes.lat):
        raise ValueError("OSM nodes: ids, lon and lat differ in length")
    if len(np.unique(ids)) != len(ids) or (len(ids) and ids.min() <= 0):
        raise ValueError("OSM nodes: ids must be positive and unique")
    known = set(ids.tolist())
    for w in ways:
        if len(w.refs) < 2:
            raise ValueError(f"OSM way {w.id}: fewer than two nodes")
        missing = [r for r in w.refs if r not in known]
        if missing:
            raise ValueError(f"OSM way {w.id}: unknown node {missing[0]}")
    if len({w.id for w in ways}) != len(ways):
        raise ValueError("OSM ways: duplicate ids")


def _coord(values) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float) * NANO).astype(np.int64)


# ---------------------------------------------------------------- XML

def _xml(nodes: OsmNodes, ways: list[OsmWay], node_tags: dict, generator: str) -> bytes:
    lon, lat = _coord(nodes.lon), _coord(nodes.lat)
    out = ["<?xml version='1.0' encoding='UTF-8'?>", f"<osm version=\"0.6\" generator={quoteattr(generator)}>"]
    if len(lon):
        out.append(f' <bounds minlat="{_deg(lat.min())}" minlon="{_deg(lon.min())}" '
                   f'maxlat="{_deg(lat.max())}" maxlon="{_deg(lon.max())}"/>')
    for i in np.argsort(nodes.ids, kind="stable"):
        nid = int(nodes.ids[i])
        head = f' <node id="{nid}" version="1" lat="{_deg(lat[i])}" lon="{_deg(lon[i])}"'
        tags = node_tags.get(nid)
        if tags:
            out.append(head + ">")
            out += [f"  <tag k={quoteattr(str(k))} v={quoteattr(str(v))}/>" for k, v in tags.items()]
            out.append(" </node>")
        else:
            out.append(head + "/>")
    for w in sorted(ways, key=lambda w: w.id):
        out.append(f' <way id="{w.id}" version="1">')
        out += [f'  <nd ref="{int(r)}"/>' for r in w.refs]
        out += [f"  <tag k={quoteattr(str(k))} v={quoteattr(str(v))}/>" for k, v in w.tags.items()]
        out.append(" </way>")
    out.append("</osm>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _deg(v: int) -> str:
    sign = "-" if v < 0 else ""
    v = abs(int(v))
    return f"{sign}{v // 10_000_000}.{v % 10_000_000:07d}"


# ---------------------------------------------------------------- PBF (protobuf wire format by hand)

def _varint(v: int) -> bytes:
    out = bytearray()
    v &= (1 << 64) - 1  # negative int32/int64 are encoded as 64-bit two's complement
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _zigzag(v: int) -> int:
    return (v << 1) ^ (v >> 63)


def _key(field_no: int, wire: int) -> bytes:
    return _varint((field_no << 3) | wire)


def _len(field_no: int, payload: bytes) -> bytes:
    return _key(field_no, 2) + _varint(len(payload)) + payload


def _int(field_no: int, v: int) -> bytes:
    return _key(field_no, 0) + _varint(v)


def _varints(values) -> bytes:
    """Varint encoding of many non-negative integers at once."""
    v = np.asarray(values, dtype=np.int64).astype(np.uint64)
    if not len(v):
        return b""
    shifts = (7 * np.arange(10)).astype(np.uint64)
    groups = ((v[:, None] >> shifts[None, :]) & np.uint64(0x7F)).astype(np.uint8)
    nbytes = 1 + (v[:, None] >= (np.uint64(1) << shifts[1:])[None, :]).sum(1)
    cols = np.arange(10)[None, :]
    groups[cols < (nbytes[:, None] - 1)] |= 0x80
    return groups[cols < nbytes[:, None]].tobytes()


def _packed(field_no: int, values, signed: bool = False) -> bytes:
    if len(values) < 64:  # short lists (a way's tags and nodes): plain Python is faster than numpy
        vals = [int(v) for v in values]
        return _len(field_no, b"".join(_varint(_zigzag(v) if signed else v) for v in vals))
    v = np.asarray(values, dtype=np.int64)
    if signed:
        v = (v << 1) ^ (v >> 63)  # zigzag; the bit pattern is read as unsigned
    return _len(field_no, _varints(v))


def _delta(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    out = values.copy()
    out[1:] -= values[:-1]
    return out


class _Strings:
    def __init__(self):
        self.index: dict[str, int] = {"": 0}

    def __call__(self, s: str) -> int:
        s = str(s)
        if s not in self.index:
            self.index[s] = len(self.index)
        return self.index[s]

    def table(self) -> bytes:
        return b"".join(_len(1, s.encode("utf-8")) for s in self.index)


def _blob(kind: str, payload: bytes) -> bytes:
    blob = _int(2, len(payload)) + _len(3, zlib.compress(payload, 6))
    header = _len(1, kind.encode()) + _int(3, len(blob))
    return struct.pack(">I", len(header)) + header + blob


def _primitive_block(strings: _Strings, group: bytes) -> bytes:
    return _len(1, strings.table()) + _len(2, group)


def _pbf(nodes: OsmNodes, ways: list[OsmWay], node_tags: dict, generator: str) -> bytes:
    lon, lat = _coord(nodes.lon), _coord(nodes.lat)
    ids = np.asarray(nodes.ids, dtype=np.int64)
    header = b""
    if len(ids):  # HeaderBBox in nanodegrees: left, right, top, bottom (sint64)
        bbox = b"".join(_key(f, 0) + _varint(_zigzag(int(v) * 100))
                        for f, v in ((1, lon.min()), (2, lon.max()), (3, lat.max()), (4, lat.min())))
        header += _len(1, bbox)
    header += _len(4, b"OsmSchema-V0.6") + _len(4, b"DenseNodes") + _len(16, generator.encode())
    out = [_blob("OSMHeader", header)]

    order = np.argsort(ids, kind="stable")
    for start in range(0, len(order), BLOCK_SIZE):
        sel = order[start:start + BLOCK_SIZE]
        strings = _Strings()
        dense = _packed(1, _delta(ids[sel]), signed=True)
        dense += _packed(8, _delta(lat[sel]), signed=True) + _packed(9, _delta(lon[sel]), signed=True)
        if any(int(i) in node_tags for i in ids[sel]):
            kv: list[int] = []
            for i in ids[sel]:
                for k, v in node_tags.get(int(i), {}).items():
                    kv += [strings(k), strings(v)]
                kv.append(0)
            dense += _packed(10, kv)
        out.append(_blob("OSMData", _primitive_block(strings, _len(2, dense))))

    ordered = sorted(ways, key=lambda w: w.id)
    for start in range(0, len(ordered), BLOCK_SIZE):
        strings = _Strings()
        group = b""
        for w in ordered[start:start + BLOCK_SIZE]:
            keys = [strings(k) for k in w.tags]
            vals = [strings(v) for v in w.tags.values()]
            body = _int(1, int(w.id))
            if keys:
                body += _packed(2, keys) + _packed(3, vals)
            refs = [int(r) for r in w.refs]
            body += _packed(8, [refs[0]] + [b - a for a, b in zip(refs[:-1], refs[1:])], signed=True)
            group += _len(3, body)
        out.append(_blob("OSMData", _primitive_block(strings, group)))
    return b"".join(out)
