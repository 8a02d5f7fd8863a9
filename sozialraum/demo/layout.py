"""The three nested levels of Musterstadt: 8 Regionen → 23 Stadtteile → ~100 Planungsräume.

Regionen are grown over the whole city, Stadtteile within their Region, Planungsräume within their Stadtteil
(seeded by population, so dense quarters get smaller Planungsräume). Special zones (industry, forest,
allotments) get a Planungsraum of their own with hardly any residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.demo import names
from sozialraum.demo.geometry import (Blocks, allocate, grow, make_blocks, nearest_block, spread_seeds,
                                      union_by_label)
from sozialraum.demo.plan import AFFLUENT, EMPTY_KINDS, ESTATE, HOT_INNER, CityPlan

N_REGIONEN = 8
N_STADTTEILE = 23
N_PLR = 100
CENTRAL_STADTTEILE = 4


@dataclass(frozen=True)
class Layout:
    blocks: Blocks
    block_pop: np.ndarray  # residents per block (scaled to the plan's target; special zones not yet emptied)
    plr_of_block: np.ndarray  # row index into ``plr`` for every block
    plr: pd.DataFrame  # key, name, parent_key, region_key, geometry, x, y, pop_blocks, special, zone
    stadtteile: pd.DataFrame  # key, name, parent_key, geometry, x, y
    regionen: pd.DataFrame  # key, name, geometry, x, y


def bearing(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Compass bearing in degrees, clockwise from north."""
    return np.degrees(np.arctan2(dx, dy)) % 360.0


def make_layout(plan: CityPlan, rng: np.random.Generator) -> Layout:
    blocks = make_blocks(plan, rng)
    raw = blocks.density * blocks.area_km2 * rng.lognormal(0.0, 0.25, len(blocks.geoms))
    block_pop = raw / raw.sum() * plan.target_population
    cx, cy = plan.centre

    # Regionen: one central seed, seven around it.
    central = nearest_block(blocks, cx, cy)
    angles = rng.uniform(0, 2 * np.pi) + np.arange(N_REGIONEN - 1) * 2 * np.pi / (N_REGIONEN - 1)
    angles = angles + rng.uniform(-0.2, 0.2, len(angles))
    radii = plan.radius_at(angles) * rng.uniform(0.55, 0.7, len(angles))
    seeds = [central] + [nearest_block(blocks, cx + r * np.cos(a), cy + r * np.sin(a))
                         for a, r in zip(angles, radii)]
    region = grow(blocks, seeds, factors=[0.8] + [1.0] * (N_REGIONEN - 1))

    # Stadtteile within each Region: 4 in the centre, the rest by population.
    pop_r = np.bincount(region, weights=block_pop, minlength=N_REGIONEN)
    n_st = np.concatenate([[CENTRAL_STADTTEILE],
                           allocate(N_STADTTEILE - CENTRAL_STADTTEILE, pop_r[1:], minimum=2, maximum=4)])
    weights = block_pop + blocks.area_km2 * 400.0  # empty land still attracts a few seeds
    stadtteil = np.full(len(region), -1)
    st_region: list[int] = []
    anchors = [(cx, cy)] + [(z.x, z.y) for z in plan.zones_of(ESTATE, HOT_INNER, AFFLUENT)]
    anchor_blocks = [nearest_block(blocks, x, y) for x, y in anchors]
    for r in range(N_REGIONEN):
        members = np.flatnonzero(region == r)
        fixed = [b for b in anchor_blocks if region[b] == r][: int(n_st[r])]  # quarters centred on the zones
        st_seeds = spread_seeds(blocks, members, weights, int(n_st[r]), rng, fixed=fixed)
        lab = grow(blocks, st_seeds, allowed=region == r)
        stadtteil[members] = len(st_region) + lab[members]
        st_region += [r] * len(st_seeds)

    # Planungsräume within each Stadtteil: special zones first, then by population.
    specials: dict[int, list[tuple[int, str, str]]] = {}
    for zone in plan.zones_of(*EMPTY_KINDS):
        b = nearest_block(blocks, zone.x, zone.y)
        specials.setdefault(int(stadtteil[b]), []).append((b, zone.kind, zone.name))
    n_special = sum(len(v) for v in specials.values())
    pop_s = np.bincount(stadtteil, weights=block_pop, minlength=len(st_region))
    n_plr = allocate(N_PLR - n_special, pop_s, minimum=2)
    plr = np.full(len(region), -1)
    plr_stadtteil: list[int] = []
    plr_special: list[tuple[str | None, str | None]] = []
    for s in range(len(st_region)):
        members = np.flatnonzero(stadtteil == s)
        fixed = [b for b, _, _ in specials.get(s, [])]
        pl_seeds = spread_seeds(blocks, members, block_pop + blocks.area_km2 * 150.0,
                                int(n_plr[s]) + len(fixed), rng, fixed=fixed)
        factors = [0.8 if i < len(fixed) else 1.0 for i in range(len(pl_seeds))]
        lab = grow(blocks, pl_seeds, allowed=stadtteil == s, factors=factors)
        plr[members] = len(plr_stadtteil) + lab[members]
        plr_stadtteil += [s] * len(pl_seeds)
        plr_special += [(k, n) for _, k, n in specials.get(s, [])] + [(None, None)] * (len(pl_seeds) - len(fixed))

    if min(region.min(), stadtteil.min(), plr.min()) < 0:  # cannot happen on a connected block graph
        raise RuntimeError("Musterstadt: nicht jeder Block wurde einem Gebiet zugeordnet")
    return _assemble(plan, blocks, block_pop, region, np.array(st_region), stadtteil,
                     np.array(plr_stadtteil), plr, plr_special, rng)


def _frame(geoms: np.ndarray) -> pd.DataFrame:
    import shapely

    xy = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return pd.DataFrame({"geometry": list(geoms), "x": xy[:, 0], "y": xy[:, 1]})


def _assemble(plan, blocks, block_pop, region, st_region, stadtteil, plr_stadtteil, plr, plr_special, rng):
    cx, cy = plan.centre
    plr_geoms = union_by_label(blocks.geoms, plr, len(plr_stadtteil))  # coarser levels: unions of children
    st_geoms = union_by_label(plr_geoms, plr_stadtteil, len(st_region))
    reg = _frame(union_by_label(st_geoms, st_region, N_REGIONEN))
    reg["old"] = np.arange(len(reg))
    reg["central"] = reg["old"] == 0
    reg["bearing"] = bearing(reg.x - cx, reg.y - cy)
    reg = reg.sort_values(["central", "bearing"], ascending=[False, True]).reset_index(drop=True)
    reg["key"] = [f"{i + 1:02d}" for i in range(len(reg))]
    reg["name"] = names.region_names(reg["bearing"].to_numpy(), reg["central"].to_numpy())
    reg_key = dict(zip(reg.old, reg.key))

    st = _frame(st_geoms)
    st["old"] = np.arange(len(st))
    st["parent_key"] = [reg_key[r] for r in st_region]
    st["pop"] = np.bincount(stadtteil, weights=block_pop, minlength=len(st))
    reg_xy = reg.set_index("key")[["x", "y"]]
    st["bearing"] = bearing(st.x - reg_xy.loc[st.parent_key, "x"].to_numpy(),
                            st.y - reg_xy.loc[st.parent_key, "y"].to_numpy())
    st = st.sort_values(["parent_key", "bearing"]).reset_index(drop=True)
    st["key"] = st.groupby("parent_key").cumcount().map(lambda i: f"{i + 1:02d}")
    st["key"] = st.parent_key + st.key
    st["name"] = names.stadtteil_names(st, plan, rng)
    st_key = dict(zip(st.old, st.key))

    pl = _frame(plr_geoms)
    pl["old"] = np.arange(len(pl))
    pl["parent_key"] = [st_key[s] for s in plr_stadtteil]
    pl["region_key"] = pl.parent_key.str[:2]
    pl["pop_blocks"] = np.bincount(plr, weights=block_pop, minlength=len(pl))
    pl["special"] = [k for k, _ in plr_special]
    pl["zone"] = [z for _, z in plr_special]
    st_xy = st.set_index("key")[["x", "y"]]
    pl["bearing"] = bearing(pl.x - st_xy.loc[pl.parent_key, "x"].to_numpy(),
                            pl.y - st_xy.loc[pl.parent_key, "y"].to_numpy())
    pl = pl.sort_values(["parent_key", "bearing"]).reset_index(drop=True)
    pl["key"] = pl.parent_key + pl.groupby("parent_key").cumcount().map(lambda i: f"{i + 1:02d}")
    st_names = dict(zip(st.key, st.name))
    pl["name"] = names.plr_names(pl, st_names, st_xy, plan, rng)
    new_index = np.empty(len(pl), dtype=int)
    new_index[pl.old.to_numpy()] = np.arange(len(pl))
    cols = ["key", "name", "parent_key", "geometry", "x", "y"]
    return Layout(blocks, block_pop, new_index[plr],
                  pl[cols + ["region_key", "pop_blocks", "special", "zone"]],
                  st[cols], reg[["key", "name", "geometry", "x", "y"]])
