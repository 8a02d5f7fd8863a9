"""Kreis → Gemeinde → Ortsteil for the Musterkreis, with Musterstadt's block machinery.

The Kreis is tiled into Voronoi blocks (``sozialraum.demo.geometry.make_blocks``); Gemeinden are grown over
the blocks from 25 seed settlements (the two towns among them), Ortsteile within each Gemeinde from its
settlements, one Ortsteil per settlement. Coarser areas are unions of finer ones, so nesting is exact.
Keys look like official ones but are fictional: Kreis ``99001``, Gemeinde ``99001001``, Ortsteil
``9900100101``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.demo.geometry import grow, make_blocks, nearest_block, spread_seeds, union_by_label
from sozialraum.demo_kreis.plan import KreisPlan, Settlement

KREIS_KEY = "99001"
N_GEMEINDEN = 25
N_BLOCKS = 2400


@dataclass(frozen=True)
class KreisLayout:
    settlements: pd.DataFrame  # one row per Ortsteil: name, x, y, kind, town, valley, industrial, residents,
    #                            gemeinde (index), key, gemeinde_key
    gemeinden: pd.DataFrame  # key, name, parent_key, geometry, town (-1, 0, 1)
    ortsteile: pd.DataFrame  # key, name, parent_key, geometry
    kreis: pd.DataFrame  # key, name, geometry


def make_layout(plan: KreisPlan, rng: np.random.Generator, kreis_name: str) -> KreisLayout:
    blocks = make_blocks(plan, rng, n=N_BLOCKS)
    st = pd.DataFrame([s.__dict__ for s in plan.settlements])
    st["block"] = [nearest_block(blocks, x, y) for x, y in zip(st.x, st.y)]
    # Two settlements in one block: the smaller one joins the larger (a hamlet of the village).
    st = st.sort_values("residents", ascending=False, kind="stable")
    merged = st.groupby("block", sort=False).residents.transform("sum")
    st = st.assign(residents=merged).drop_duplicates("block").sort_index().reset_index(drop=True)

    towns = [int(st.index[(st.town == t) & st.name.str.endswith("-Mitte")][0]) for t in (0, 1)]
    others = st.index[st.town < 0].to_numpy()
    weights = np.zeros(len(blocks.geoms))
    weights[st.block.to_numpy()] = st.residents.to_numpy() ** 0.5
    seeds = spread_seeds(blocks, st.block.to_numpy()[others], weights, N_GEMEINDEN - 2, rng)
    seed_blocks = [int(st.block[t]) for t in towns] + seeds
    factors = [0.7, 0.8] + [1.0] * (len(seed_blocks) - 2)
    gemeinde = grow(blocks, seed_blocks, factors=factors)
    st["gemeinde"] = gemeinde[st.block.to_numpy()]
    # the parts of a town always belong to its Gemeinde
    for t, g in zip((0, 1), (0, 1)):
        st.loc[st.town == t, "gemeinde"] = g
        gemeinde[np.isin(np.arange(len(gemeinde)), st.block[st.town == t].to_numpy())] = g
    ortsteil = np.full(len(blocks.geoms), -1)
    rows = []
    for g in range(len(seed_blocks)):
        members = st.index[st.gemeinde == g].to_numpy()
        if not len(members):  # cannot happen: every seed is a settlement's block
            raise RuntimeError("Musterkreis: Gemeinde ohne Ort")
        lab = grow(blocks, [int(st.block[i]) for i in members], allowed=gemeinde == g)
        inside = gemeinde == g
        if (lab[inside] < 0).any():  # blocks cut off from the Gemeinde's places: give them to the nearest one
            lab[inside & (lab < 0)] = 0
        ortsteil[inside] = len(rows) + lab[inside]
        rows += [(g, int(i)) for i in members]
    if (gemeinde < 0).any() or (ortsteil < 0).any():
        raise RuntimeError("Musterkreis: nicht jeder Block wurde einer Gemeinde zugeordnet")

    order = [i for _, i in rows]
    st = st.loc[order].reset_index(drop=True)
    ot_geoms = union_by_label(blocks.geoms, ortsteil, len(st))
    gm_of_ot = st.gemeinde.to_numpy()
    gm_geoms = union_by_label(ot_geoms, gm_of_ot, len(seed_blocks))
    kreis_geom = union_by_label(gm_geoms, np.zeros(len(gm_geoms), dtype=int), 1)[0]

    # Gemeinde keys by bearing from the Kreis centre, the Kreisstadt first; names from the main place.
    main = {g: int(st.index[(st.gemeinde == g)][np.argmax(st.residents[st.gemeinde == g])]) for g in
            range(len(seed_blocks))}
    for g, t in ((0, 0), (1, 1)):
        main[g] = int(st.index[(st.town == t) & st.name.str.endswith("-Mitte")][0])
    cx, cy = plan.centre
    bearing = {g: (0 if g == 0 else 1 if g == 1 else 2,
                   float(np.degrees(np.arctan2(st.x[main[g]] - cx, st.y[main[g]] - cy)) % 360))
               for g in range(len(seed_blocks))}
    g_order = sorted(bearing, key=lambda g: bearing[g])
    g_key = {g: f"{KREIS_KEY}{k + 1:03d}" for k, g in enumerate(g_order)}
    g_name = {g: (plan.town_names[g] if g < 2 else st.name[main[g]]) for g in range(len(seed_blocks))}
    st["gemeinde_key"] = st.gemeinde.map(g_key)
    st["is_main"] = [main[g] == i for i, g in enumerate(st.gemeinde)]
    st = st.sort_values(["gemeinde_key", "is_main", "residents"], ascending=[True, False, False], kind="stable")
    st["key"] = st.gemeinde_key + st.groupby("gemeinde_key").cumcount().map(lambda k: f"{k + 1:02d}")
    ot = pd.DataFrame({"key": st.key.to_numpy(), "name": st.name.to_numpy(),
                       "parent_key": st.gemeinde_key.to_numpy(), "geometry": list(ot_geoms[st.index.to_numpy()])})
    st = st.reset_index(drop=True)
    gm = pd.DataFrame({"key": [g_key[g] for g in g_order], "name": [g_name[g] for g in g_order],
                       "parent_key": KREIS_KEY, "geometry": [gm_geoms[g] for g in g_order],
                       "town": [g if g < 2 else -1 for g in g_order]})
    kr = pd.DataFrame({"key": [KREIS_KEY], "name": [kreis_name], "geometry": [kreis_geom]})
    return KreisLayout(st.drop(columns=["block"]), gm, ot, kr)


def settlement_frame(settlements: tuple[Settlement, ...]) -> pd.DataFrame:
    return pd.DataFrame([s.__dict__ for s in settlements])
