"""Demand points, coverage, 2SFCA and need × gap on the 3×3 grid, worked out by hand.

Cells are 1000 m squares; with a 1000 m demand grid each cell has one point at its centre. Recipients per cell:
10 in row 0, 20 in row 1, 30 in row 2 (180 in all). Walking at 100 m/min with detour 1, budget 10 min = 1000 m:
a provider at a cell centre reaches its own cell and the four edge neighbours (centres 1000 m away), not the
diagonals (1414 m).
"""

import numpy as np
import pandas as pd
import pytest

from sozialraum.access.coverage import coverage_by_type
from sozialraum.access.demand import demand_points, split_weight
from sozialraum.access.fca import two_step_fca
from sozialraum.access.gaps import need_gap_ranking
from sozialraum.access.travel import WalkingModel
from sozialraum.errors import InputError
from sozialraum.testing import GRID_ORIGIN, grid_areas

X0, Y0 = GRID_ORIGIN
WALK = WalkingModel(detour=1.0, speed_kmh=6.0)
COUNTS = {f"r{r}c{c}": 10.0 * (r + 1) for r in range(3) for c in range(3)}


def centre(r, c):
    return X0 + 1000 * c + 500, Y0 + 1000 * r + 500


@pytest.fixture
def cells():
    g = grid_areas()
    return g[g["level"] == "zelle"].reset_index(drop=True)


@pytest.fixture
def demand(cells):
    return demand_points(cells, COUNTS, 1000.0)


@pytest.fixture
def providers():
    rows = [("kita", *centre(1, 1), 90.0), ("kita", *centre(0, 0), 20.0), ("schuldnerberatung", *centre(2, 2), None)]
    return pd.DataFrame(rows, columns=["service_type", "x", "y", "capacity"])


def test_one_point_per_cell_at_the_centre(demand):
    assert len(demand) == 9
    row = demand.set_index("area_key").loc["r2c1"]
    assert (row["x"], row["y"]) == centre(2, 1) and row["weight"] == 30.0


def test_finer_grid_splits_weight_exactly(cells):
    d = demand_points(cells, COUNTS, 300.0)  # does not divide 1000: 9 to 16 points per cell
    sums = d.groupby("area_key")["weight"].sum()
    for key, total in COUNTS.items():
        assert sums[key] == pytest.approx(total, rel=1e-14)
    assert d.groupby("area_key").size().min() >= 9


def test_tiny_area_gets_its_representative_point(cells):
    from shapely.geometry import box

    tiny = cells.iloc[[0]].copy()
    tiny["geometry"] = [box(X0 + 10, Y0 + 10, X0 + 60, Y0 + 60)]
    d = demand_points(tiny, {"r0c0": 7.0}, 200.0)
    assert len(d) == 1 and d["weight"].iloc[0] == 7.0
    assert X0 + 10 < d["x"].iloc[0] < X0 + 60


def test_residential_layer_steers_the_split(cells):
    import geopandas as gpd
    from shapely.geometry import box

    land = gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 500, Y0 + 1000)], crs=cells.crs)  # left half of r0c0
    d = demand_points(cells.iloc[[0]], {"r0c0": 10.0}, 500.0, residential=land)
    assert d.sort_values(["x", "y"])["weight"].tolist() == [5.0, 5.0, 0.0, 0.0]


def test_missing_count_is_zero_and_listed(cells):
    counts = dict(COUNTS)
    del counts["r1c1"]
    d = demand_points(cells, counts, 1000.0)
    assert d.attrs["ohne_gewicht"] == ["r1c1"]
    assert d.loc[d.area_key == "r1c1", "weight"].sum() == 0


def test_geographic_crs_is_rejected(cells):
    with pytest.raises(InputError, match="metrisches CRS"):
        demand_points(cells.to_crs(4326), COUNTS, 1000.0)


def test_split_weight_exact():
    w = split_weight(10.0, [1, 1, 1])
    assert w.sum() == 10.0 and w[0] == pytest.approx(10 / 3)
    assert split_weight(5.0, [0, 0]).tolist() == [2.5, 2.5]


def test_coverage_by_hand(demand, providers):
    cov = coverage_by_type(demand, providers, WALK, 10.0, service_types=["kita", "schuldnerberatung", "pflege"])
    kita = cov.per_area[cov.per_area.service_type == "kita"].set_index("area_key")
    # the two Kitas reach r0c0, r0c1, r1c0, r1c1, r1c2, r2c1
    assert kita["share"].to_dict() == {"r0c0": 1.0, "r0c1": 1.0, "r0c2": 0.0, "r1c0": 1.0, "r1c1": 1.0,
                                       "r1c2": 1.0, "r2c0": 0.0, "r2c1": 1.0, "r2c2": 0.0}
    city = cov.city.set_index("service_type")
    assert city.loc["kita", "covered"] == 10 + 10 + 20 + 20 + 20 + 30
    assert city.loc["kita", "share"] == pytest.approx(110 / 180)
    assert city.loc["schuldnerberatung", "covered"] == 30 + 30 + 20  # r2c2, r2c1, r1c2
    assert city.loc["pflege", "covered"] == 0 and city.loc["pflege", "n_providers"] == 0


def test_two_step_fca_by_hand(demand, providers):
    fca = two_step_fca(demand, providers, WALK, 10.0)
    fca["area_key"] = fca["area_key"].fillna("STADT")  # the city-wide row has no area key
    kita = fca[fca.service_type == "kita"].set_index("area_key")
    assert (kita["method"] == "2sfca").all()
    # R(centre) = 90 / (10+20+20+20+30) = 0.9; R(r0c0) = 20 / (10+10+20) = 0.5
    expect = {"r0c0": 0.5, "r0c1": 1.4, "r1c0": 1.4, "r1c1": 0.9, "r1c2": 0.9, "r2c1": 0.9,
              "r0c2": 0.0, "r2c0": 0.0, "r2c2": 0.0}
    for key, value in expect.items():
        assert kita.loc[key, "value"] == pytest.approx(value)
    # every person reaches some place, so the city value is all places over all people: 110 / 180
    assert kita.loc["STADT", "value"] == pytest.approx(110 / 180)
    debt = fca[fca.service_type == "schuldnerberatung"].set_index("area_key")
    assert (debt["method"] == "anzahl").all()
    assert debt.loc["r2c2", "value"] == 1.0 and debt.loc["r0c0", "value"] == 0.0
    assert debt.loc["STADT", "value"] == pytest.approx(80 / 180)


def test_need_gap_ranking_by_hand(demand, providers):
    cov = coverage_by_type(demand, providers, WALK, 10.0, service_types=["kita"]).per_area.set_index("area_key")
    ranking = need_gap_ranking(pd.Series(COUNTS), cov["share"])
    top = ranking.set_index("area_key")
    # need ranks: 10 → 2/9, 20 → 5/9, 30 → 8/9 (ties averaged)
    assert top.loc["r2c0", "need_score"] == pytest.approx(8 / 9)
    assert top.loc["r0c0", "need_score"] == pytest.approx(2 / 9)
    # uncovered: r0c2 (need 2/9), r2c0 and r2c2 (8/9); all covered areas have need_gap 0
    assert ranking["area_key"].tolist()[:3] == ["r2c0", "r2c2", "r0c2"]
    assert ranking["rank"].tolist()[:3] == [1, 2, 3]
    assert top.loc["r2c0", "need_gap"] == pytest.approx(8 / 9) and top.loc["r0c2", "need_gap"] == pytest.approx(2 / 9)
    assert top.loc["r2c1", "need_gap"] == 0.0
    assert sorted(ranking.loc[ranking.weisser_fleck, "area_key"]) == ["r2c0", "r2c2"]


def test_need_gap_without_values_is_unranked():
    ranking = need_gap_ranking({"a": 1.0, "b": np.nan, "c": 3.0}, {"a": 0.0, "b": 0.0, "c": 1.0})
    b = ranking.set_index("area_key").loc["b"]
    assert pd.isna(b["rank"]) and not b["weisser_fleck"]
    assert ranking["area_key"].tolist() == ["a", "c", "b"]
