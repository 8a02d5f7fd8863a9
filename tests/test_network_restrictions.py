"""Clipping keeps turn restrictions: on the real OSM of Lauf a.d. Pegnitz (reference data; skipped without it) the
clip writes the restriction relations whose members it keeps, and a car network built from the clip routes around
a forbidden turn that the same network without them would take."""

from __future__ import annotations

import re

import pytest

BOX = (11.255, 49.503, 11.300, 49.527)


@pytest.fixture(scope="module")
def clipped(tmp_path_factory):
    from pathlib import Path

    ref = Path(__file__).resolve().parents[2] / "shared" / "reference" / "osm-germany-clips"
    pbf = ref / "lauf-an-der-pegnitz.osm.pbf"
    if not pbf.exists():
        pytest.skip("reference OSM clips not present")
    from sozialraum.network.clip import clip_osm

    folder = tmp_path_factory.mktemp("restrictions")
    out = folder / "lauf.osm"
    counts = clip_osm(pbf, BOX, out)
    return folder, out, counts


def test_restrictions_are_kept_with_all_their_members(clipped):
    _, out, counts = clipped
    text = out.read_text(encoding="utf-8")
    assert counts["restrictions"] > 5 and text.count("<relation ") == counts["restrictions"]
    ways = set(re.findall(r'<way id="(\d+)"', text))
    nodes = set(re.findall(r'<node id="(\d+)"', text))
    for rel in re.findall(r"<relation .*?</relation>", text):
        assert 'v="restriction' in rel
        for typ, ref in re.findall(r'<member type="(\w+)" ref="(\d+)"', rel):
            assert ref in (ways if typ == "way" else nodes)


def _restrictions(text):
    """(from way, via node, to way) of every 'no_*' restriction with a node as via."""
    out = []
    for rel in re.findall(r"<relation .*?</relation>", text):
        if not re.search(r'k="restriction" v="no_', rel) or 'k="except"' in rel:
            continue
        roles = {role: (typ, ref) for typ, ref, role in
                 re.findall(r'<member type="(\w+)" ref="(\d+)" role="(\w+)"', rel)}
        if {"from", "via", "to"} <= set(roles) and roles["via"][0] == "node":
            out.append((roles["from"][1], roles["via"][1], roles["to"][1]))
    return out


def test_the_car_network_obeys_a_kept_restriction(clipped):
    from sozialraum.network import build_network
    from sozialraum.network.osrm_engine import open_engine, route

    folder, out, _ = clipped
    text = out.read_text(encoding="utf-8")
    bare = folder / "ohne.osm"
    bare.write_text(re.sub(r"<relation .*?</relation>\n", "", text), encoding="utf-8")
    with_r = build_network(out, clip_to=None, out_dir=folder / "mit", modes=("car",), algorithm="MLD")
    without = build_network(bare, clip_to=None, out_dir=folder / "ohne_netz", modes=("car",), algorithm="MLD")
    eng_r, eng_0 = open_engine(with_r.base("car")), open_engine(without.base("car"))
    nodes = {i: (float(lon), float(lat)) for i, lat, lon in
             re.findall(r'<node id="(\d+)" version="1" lat="([\d.]+)" lon="([\d.]+)"', text)}
    way_nodes = {w: re.findall(r'<nd ref="(\d+)"/>', body) for w, body in
                 re.findall(r'<way id="(\d+)" version="1">(.*?)</way>', text)}
    longer = 0
    for frm, via, to in _restrictions(text):
        a_list, b_list = way_nodes.get(frm, []), way_nodes.get(to, [])
        if via not in a_list or via not in b_list:
            continue
        ia, ib = a_list.index(via), b_list.index(via)
        a = a_list[ia - 1] if ia > 0 else a_list[ia + 1]  # the neighbour of the via node on the from-way
        b = b_list[ib + 1] if ib + 1 < len(b_list) else b_list[ib - 1]
        pa, pv, pb = nodes[a], nodes[via], nodes[b]
        start = (pa[0] * 0.3 + pv[0] * 0.7, pa[1] * 0.3 + pv[1] * 0.7)  # on the from-way, near the junction
        end = (pb[0] * 0.3 + pv[0] * 0.7, pb[1] * 0.3 + pv[1] * 0.7)
        try:
            t_r, t_0 = route(eng_r, start, end)["seconds"], route(eng_0, start, end)["seconds"]
        except Exception:  # noqa: BLE001 - no car route between these points (e.g. a oneway the wrong way)
            continue
        assert t_r >= t_0 - 0.5  # a restriction never makes a trip shorter
        longer += t_r > t_0 + 5
    assert longer >= 1  # at least one forbidden turn is driven around on the clipped network
