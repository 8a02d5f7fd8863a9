"""Hot spots on the grid with hand-reasoned expectations; islands, missing values, CRS, FDR.

3×3 grid, values by row: bottom 1, middle 4, top 10 (mean 5). Queen neighbours: corners 3, edges 5, centre 8.

- Gi* signs: the top row's neighbourhoods average above 5 (z > 0), the bottom row's below (z < 0).
- r2c1 (top middle) has the largest possible neighbour sum: of the C(8,5) = 56 ways to draw 5 of the other 8
  values, exactly one reaches 10+10+4+4+4. Its permutation p is ≈ 1/56 ≈ 0.018: significant at 5 % alone,
  but not after FDR over 9 tests (≈ 9 · 0.018). r0c1 mirrors it as the smallest possible sum.
- r1c1 has everybody as neighbour: its statistic cannot change under permutation, p = 1.
- Moran quadrants: top row high with high neighbours (Hoch-Hoch), bottom Niedrig-Niedrig, middle row values 4
  below the mean but neighbours above it (r1c0: (10+10+4+1+1)/5 = 5.2): Niedrig-Hoch.
"""

import numpy as np
import pytest
from shapely.geometry import box

from sozialraum.analysis.hotspots import fdr_bh, folded_p, gi_star, local_moran
from sozialraum.errors import InputError
from sozialraum.testing import GRID_ORIGIN, grid_areas


def _cells(n=3):
    g = grid_areas(n)
    return g[g.level == "zelle"].reset_index(drop=True)


@pytest.fixture
def rows():
    g = _cells()
    g["v"] = [{0: 1.0, 1: 4.0, 2: 10.0}[int(k[1])] for k in g.area_key]
    return g


def test_gi_star_signs_and_permutation_p(rows):
    raw = gi_star(rows, "v", fdr=False).set_index("area_key")
    assert (raw.loc[["r2c0", "r2c1", "r2c2"], "z"] > 0).all()
    assert (raw.loc[["r0c0", "r0c1", "r0c2"], "z"] < 0).all()
    assert raw.loc["r2c1", "p"] == pytest.approx(1 / 56, abs=0.012)
    assert raw.loc["r2c1", "label"] == "Hot Spot" and raw.loc["r0c1", "label"] == "Cold Spot"
    assert raw.loc["r1c1", "p"] == 1.0 and raw.loc["r1c1", "label"] == "nicht signifikant"
    assert list(raw["n_neighbours"]) == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    corrected = gi_star(rows, "v").set_index("area_key")
    assert (corrected["label"] == "nicht signifikant").all()
    assert corrected.loc["r2c1", "p_fdr"] > 0.05


def test_local_moran_quadrants(rows):
    m = local_moran(rows, "v", fdr=False).set_index("area_key")
    assert set(m.loc[["r2c0", "r2c1", "r2c2"], "quadrant"]) == {"Hoch-Hoch"}
    assert set(m.loc[["r0c0", "r0c1", "r0c2"], "quadrant"]) == {"Niedrig-Niedrig"}
    assert set(m.loc[["r1c0", "r1c1", "r1c2"], "quadrant"]) == {"Niedrig-Hoch"}
    assert m.loc["r2c1", "label"] == "Hoch-Hoch" and m.loc["r0c1", "label"] == "Niedrig-Niedrig"
    assert m.loc["r1c1", "label"] == "nicht signifikant"


def test_clear_block_is_a_hot_spot_after_fdr():
    g = _cells(6)
    rc = [(int(k[1]), int(k[3])) for k in g.area_key]
    g["v"] = [10.0 if (r >= 3 and c >= 3) else 1.0 for r, c in rc] + np.arange(len(g)) * 0.01
    gi = gi_star(g, "v").set_index("area_key")
    assert gi.loc["r4c4", "label"] == "Hot Spot"  # inside the block, all 8 neighbours high
    assert gi.loc["r1c1", "label"] == "Cold Spot"  # far corner region, all neighbours low
    assert not (gi.loc[gi["z"] < 0, "label"] == "Hot Spot").any()
    moran = local_moran(g, "v").set_index("area_key")
    assert moran.loc["r4c4", "label"] == "Hoch-Hoch" and moran.loc["r1c1", "label"] == "Niedrig-Niedrig"


def test_reproducible_with_fixed_seed(rows):
    a, b = gi_star(rows, "v", seed=7), gi_star(rows, "v", seed=7)
    assert a["p"].equals(b["p"])


def test_islands_missing_values_and_tiny_neighbour_sets(rows):
    x0, y0 = GRID_ORIGIN
    g = rows.copy()
    g.loc[len(g)] = ["zelle", "insel", "Insel", None, box(x0 + 9000, y0, x0 + 10000, y0 + 1000), 3.0]
    g.loc[len(g)] = ["zelle", "ecke", "Ecke", None, box(x0 - 1000, y0 - 1000, x0, y0), 2.0]  # touches r0c0 at a point
    g.loc[g.area_key == "r1c1", "v"] = np.nan
    for run in (gi_star, local_moran):
        out = run(g, "v").set_index("area_key")
        assert out.attrs["islands"] == ["insel"]
        assert out.attrs["missing"] == ["r1c1"]
        assert out.attrs["few_neighbours"] == ["ecke"]
        assert out.loc["insel", "label"] == "ohne Nachbarn" and np.isnan(out.loc["insel", "p"])
        assert out.loc["r1c1", "label"] == "kein Wert"
        assert out.loc["r0c0", "n_neighbours"] == 3  # r0c1, r1c0 and the corner square; r1c1 has no value


def test_distance_band_option(rows):
    # centroids 1000 m apart: a 1,100 m band links only edge neighbours (rook), not diagonals (1,414 m)
    out = gi_star(rows, "v", method="distance", distance=1100).set_index("area_key")
    assert list(out["n_neighbours"]) == [2, 3, 2, 3, 4, 3, 2, 3, 2]
    with pytest.raises(InputError, match="Entfernung"):
        gi_star(rows, "v", method="distance")


def test_geographic_crs_is_rejected(rows):
    with pytest.raises(InputError, match="metrisches CRS"):
        gi_star(rows.to_crs(4326), "v")
    with pytest.raises(InputError, match="Spalte"):
        local_moran(rows, "gibt_es_nicht")


def test_fdr_and_folded_p_by_hand():
    assert fdr_bh([0.01, 0.04, 0.03, np.nan]) == pytest.approx([0.03, 0.04, 0.04, np.nan], nan_ok=True)
    # observed 5 against simulations 1..9: 5 are ≥ 5 and 5 are ≤ 5 → (5 + 1) / 10
    assert folded_p([5.0], [np.arange(1.0, 10.0)]) == pytest.approx([0.6])
    assert folded_p([9.0], [np.arange(1.0, 10.0)]) == pytest.approx([0.2])


def test_queen_neighbours_match_libpysal():
    import warnings

    from libpysal.weights import Queen

    from sozialraum.analysis.hotspots import queen_neighbours

    g = _cells(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(g, use_index=False, silence_warnings=True)
    assert queen_neighbours(g.geometry.values) == [sorted(w.neighbors[i]) for i in range(len(g))]
