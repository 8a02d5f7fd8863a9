"""Rural reach (sozialraum.access.rural): the pure core by hand, and the store adapter on the 3×3 grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from sozialraum.access.rural import rural_reach, rural_reach_for_store
from sozialraum.access.travel import ZERO_MINUTES, WalkingModel


def test_core_by_hand():
    # 4 points: two in area 0, two in area 1; one site. Car reaches points 0, 1, 2; bus only point 0 (at 0 min).
    car = sparse.csr_matrix(np.array([[5.0], [20.0], [25.0], [0.0]]))
    bus = sparse.csr_matrix(([ZERO_MINUTES], ([0], [0])), shape=(4, 1))
    r = rural_reach([0, 0, 1, 1], [10.0, 30.0, 5.0, 15.0], car, bus, n_areas=3)
    assert r.total.tolist() == [40.0, 20.0, 0.0]
    assert r.by_car.tolist() == [40.0, 5.0, 0.0]
    assert r.by_transit.tolist() == [10.0, 0.0, 0.0]
    assert r.no_car_free.tolist() == [30.0, 20.0, 0.0]


def test_core_without_transit_means_nobody_reaches_without_a_car():
    r = rural_reach([0, 1], [3.0, 4.0], sparse.csr_matrix(np.ones((2, 1))), None, n_areas=2)
    assert r.by_transit.tolist() == [0.0, 0.0] and r.no_car_free.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("idx, w, msg", [([0, 5], [1.0, 1.0], "außerhalb"), ([0, 1], [1.0, -1.0], "negativ"),
                                         ([0, 1], [1.0, np.nan], "endlich"), ([0], [1.0, 2.0], "verschieden")])
def test_core_refuses_hostile_inputs(idx, w, msg):
    with pytest.raises(ValueError, match=msg):
        rural_reach(idx, w, None, None, n_areas=2)


def test_core_refuses_a_matrix_of_the_wrong_shape():
    with pytest.raises(ValueError, match="Startpunkte"):
        rural_reach([0, 0], [1.0, 1.0], sparse.csr_matrix((3, 1)), None, n_areas=1)


RLB = {"r0c0": 100, "r0c1": 200, "r0c2": 40, "r1c0": 60, "r1c1": 400, "r1c2": 80, "r2c0": 120, "r2c1": 20, "r2c2": 2}


@pytest.fixture
def grid_con(store):
    """The 3×3 grid (1 km cells) with a Jobcenter at the centre of r1c1; r2c2 has 2 recipients (suppressed)."""
    import geopandas as gpd

    from sozialraum.store import Batch, SourceInfo, replace_source
    from sozialraum.testing import GRID_ORIGIN, grid_batch

    obs = pd.DataFrame([("zelle", k, "rlb", "2024", float(v), None, None, None) for k, v in RLB.items()],
                       columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"])
    replace_source(store, *grid_batch(obs))
    x, y = GRID_ORIGIN[0] + 1500, GRID_ORIGIN[1] + 1500
    jc = gpd.GeoDataFrame({"site_id": ["jc"], "site_type": ["hauptsitz"], "name": ["Jobcenter Mitte"]},
                          geometry=gpd.points_from_xy([x], [y]), crs="EPSG:25832")
    replace_source(store, SourceInfo("jc", "Jobcenter (Test)", fictional=True), Batch(points={"jobcenter_sites": jc}))
    return store


def test_adapter_on_the_grid(grid_con):
    """Demand points every 500 m sit 250 m from the cell edges. Car at 1 km/min for 1 minute (radius 1 km): all
    of r1c1, the inner half of each edge neighbour (790 m), no corner point (1061 m). Bus/walk at 100 m/min for 5
    minutes (radius 500 m): only r1c1 (354 m)."""
    out = rural_reach_for_store(grid_con, "zelle", "2024", "rlb", car=WalkingModel(1.0, 60.0),
                                transit=WalkingModel(1.0, 6.0), car_min=1, transit_min=5,
                                settings={"demand_grid_m": 500}).set_index("area_key")
    assert out.loc["r1c1", "car_share"] == 1.0 and out.loc["r1c1", "transit_share"] == 1.0
    assert out.loc[["r0c1", "r1c0", "r1c2", "r2c1"], "car_share"].tolist() == [0.5] * 4
    assert out.loc[["r0c0", "r0c2", "r2c0"], "car_share"].tolist() == [0.0] * 3
    assert out.loc["r0c1", "no_car_free"] == 200 and out.loc["r1c1", "no_car_free"] == 0
    # r2c2 (2) is suppressed, and r2c1 with it (secondary suppression in row 2): both estimated, rounded to tens
    assert sorted(out.index[out["estimated"]]) == ["r2c1", "r2c2"]
    assert out.loc["r2c2", "people"] in (0, 10) and (out["people"] % 10 == 0).all()
    assert (out["no_car_free"] % 10 == 0).all()
    k = out.attrs["kreis"]
    # 400 of the published 1,000 plus the stand-ins of r2c1 and r2c2 (together the row's remainder 22 at most)
    assert 0.39 <= k["transit_share"] <= 0.40 and k["no_car_free"] % 10 == 0
    assert "Luftlinie" in out.attrs["car_label"] and "5 min" in out.attrs["transit_label"]


def test_adapter_default_is_the_labelled_rural_fallback(grid_con):
    out = rural_reach_for_store(grid_con, "zelle", "2024", "rlb")
    # 30 minutes by car at 50 km/h reach the whole 3 km grid; the bus at 20 km/h for 60 minutes too
    assert (out["car_share"] == 1.0).all() and (out["no_car_free"] == 0).all()
    assert "Luftlinie × 1,40 bei 50,0 km/h" in out.attrs["car_label"]


def test_adapter_without_sites_is_a_german_error(store):
    from sozialraum.errors import InputError
    from sozialraum.store import replace_source
    from sozialraum.testing import grid_batch

    obs = pd.DataFrame([("zelle", "r0c0", "rlb", "2024", 10.0, None, None, None)],
                       columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"])
    replace_source(store, *grid_batch(obs))
    with pytest.raises(InputError, match="keine Beratungsorte"):
        rural_reach_for_store(store, "zelle", "2024", "rlb")


def test_store_network_is_used_for_the_car(demo_db):
    """Musterstadt has a street network (walk/bike/car) and a timetable: the car runs on the streets, bus/walk on
    the timetable; without the network both are the labelled straight-line fallback."""
    from sozialraum.access.rural import network_models
    from sozialraum.access.travel import NetworkModel, TransitModel
    from sozialraum.store import connect

    con = connect(demo_db, read_only=True)
    car, transit = network_models(con)
    assert isinstance(car, NetworkModel) and car.mode == "car" and isinstance(transit, TransitModel)
    on_net = rural_reach_for_store(con, "ms_stadtteil", None, "rlb", car_min=5, transit_min=10)
    straight = rural_reach_for_store(con, "ms_stadtteil", None, "rlb", car_min=5, transit_min=10, use_network=False)
    con.close()
    assert "Straßennetz" in on_net.attrs["car_label"] and "Luftlinie" in straight.attrs["car_label"]
    assert "Luftlinie" not in on_net.attrs["transit_label"] and "Luftlinie" in straight.attrs["transit_label"]
    assert on_net["car_share"].tolist() != straight["car_share"].tolist()
