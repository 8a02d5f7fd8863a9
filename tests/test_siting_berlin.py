"""Berlin end to end on real public data (skipped when ../shared/reference is absent).

Demand: residents 31.12.2024 per Planungsraum × MSS 2021 S3 transfer share (an estimate of transfer
recipients; the MSS sentinel -9999 means "not scored" → 0), spread over a 500 m grid. The Jobcenter offices inside
Berlin from OSM are fixed; OSM libraries and community centres inside Berlin are the candidate venues.
"""

import numpy as np
import pandas as pd
import pytest

from sozialraum.access.demand import demand_points
from sozialraum.access.travel import WalkingModel
from sozialraum.siting.kcurve import k_curve
from sozialraum.siting.models import solve_mclp

pytestmark = pytest.mark.reference
BUDGET = 15.0


def _points(path, crs):
    import geopandas as gpd

    frame = pd.read_csv(path, dtype={"geojson_feature_id": str, "id": str})
    frame = frame[frame["geojson_feature_id"] != "0"].reset_index(drop=True)  # inside Berlin only
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326).to_crs(crs)


@pytest.fixture(scope="module")
def berlin(request):
    from pathlib import Path

    import geopandas as gpd

    ref = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
    if not ref.is_dir():
        pytest.skip("reference data absent")
    plr = gpd.read_file(ref / "berlin-lor-2021" / "lor_planungsraeume_2021_simplified10m.geojson").to_crs(25833)
    plr["area_key"] = plr["PLR_ID"].astype(str)
    pop = pd.read_csv(ref / "berlin-population-lor" / "berlin-lor-population-2024-02-t1-planning-areas.csv",
                      dtype={"id": str}).set_index("id")["inhabitants"]
    mss = pd.read_csv(ref / "berlin-mss-2021" / "mss2021_indexindikatoren_plr.csv",
                      dtype={"PLR_ID": str}).set_index("PLR_ID")["S3"]
    share = mss.where(mss >= 0)  # -9999 = not scored
    recipients = (pop * share.reindex(pop.index) / 100.0).fillna(0.0)
    demand = demand_points(plr, recipients, 500.0)
    poi = ref / "berlin-poi-osm"
    offices = _points(poi / "berlin-poi-2026-03-offices-social-subset.csv", 25833)
    jobcenters = offices[offices["name"].str.contains("jobcenter", case=False)]
    venues = pd.concat([_points(poi / "berlin-poi-2026-03-libraries.csv", 25833),
                        _points(poi / "berlin-poi-2026-03-community-centers.csv", 25833)], ignore_index=True)
    cands = pd.concat([jobcenters.assign(fixed=True), venues.assign(fixed=False)], ignore_index=True)
    xy = np.column_stack([cands.geometry.x, cands.geometry.y])
    return dict(demand=demand, recipients=recipients, cands=cands, xy=xy,
                fixed=np.flatnonzero(cands["fixed"].to_numpy()).tolist())


def test_demand_keeps_every_planungsraum_total(berlin):
    d = berlin["demand"]
    assert d["area_key"].nunique() == 542  # every PLR has at least one point
    sums = d.groupby("area_key")["weight"].sum()
    expect = berlin["recipients"].reindex(sums.index).fillna(0.0)
    np.testing.assert_allclose(sums.to_numpy(), expect.to_numpy(), rtol=1e-12, atol=1e-9)
    assert 200_000 < d["weight"].sum() < 700_000  # S3 ≈ 11 % of 3.9 M residents


def test_mclp_with_fixed_jobcenters(berlin):
    d, xy, fixed = berlin["demand"], berlin["xy"], berlin["fixed"]
    assert 5 <= len(fixed) <= 15
    walk = WalkingModel(detour=1.3, speed_kmh=4.5)
    dxy = d[["x", "y"]].to_numpy()
    w = d["weight"].to_numpy()
    cover = walk.minutes(dxy, xy, BUDGET)
    res = solve_mclp(cover, w, 3, fixed=fixed, time_limit=60)
    assert set(fixed) <= set(res.selected) and len(res.new_sites) == 3
    assert all(0 <= j < len(xy) for j in res.selected)
    assert not berlin["cands"]["fixed"].iloc[list(res.new_sites)].any()  # new sites are candidate venues
    # objective = coverage recomputed with plain dense distances (independent of the sparse machinery)
    sel = np.array(res.selected)
    dist = np.hypot(dxy[:, None, 0] - xy[None, sel, 0], dxy[:, None, 1] - xy[None, sel, 1])
    reach = (dist * 1.3 / 75.0 <= BUDGET * (1 + 1e-9)).any(axis=1)
    assert res.objective == pytest.approx(w[reach].sum(), rel=1e-9)
    # k-curve: covered weight never falls and strictly grows for the first sites
    curve = k_curve(cover, w, 4, fixed=fixed, time_limit=60)
    cw = curve["covered_weight"].to_numpy()
    assert (np.diff(cw) >= -1e-9).all() and cw[1] > cw[0] and cw[4] > cw[1]
    assert cw[3] == pytest.approx(res.covered_weight, rel=1e-9)
