"""Small-area rates: minimum population, empirical-Bayes smoothing (hand-computed), the store adapter."""

import numpy as np
import pandas as pd
import pytest

from sozialraum.analysis.rates import apply_min_population, crude_rate, eb_global, eb_local, rates_for_display
from sozialraum.store import replace_source
from sozialraum.testing import grid_batch


def test_min_population_rule():
    rate, flags = apply_min_population([10.0, 20.0, 30.0], [299, 300, np.nan], 300)
    assert np.isnan(rate[0]) and rate[1] == 20.0 and np.isnan(rate[2])
    assert list(flags) == ["not_scored", None, "not_scored"]


def test_crude_rate_with_zero_denominator():
    assert list(np.isnan(crude_rate([1, 1], [0, 10]))) == [True, False]


def test_eb_global_by_hand():
    # b = 10/200 = 5 %; s² = (100·0.05² + 100·0.05²)/200 = 0.0025; a = 0.0025 − 0.05/100 = 0.002;
    # weight = a / (a + b/n) = 0.002 / 0.0025 = 0.8 → 0.8·10 % + 0.2·5 % = 9 %, and 0.2·5 % = 1 %
    assert eb_global([10, 0], [100, 100]) == pytest.approx([9.0, 1.0])


def test_eb_global_equal_rates_and_unknowns():
    assert eb_global([5, 10, np.nan], [50, 100, 10]) == pytest.approx([10.0, 10.0, np.nan], nan_ok=True)


def test_small_areas_shrink_more():
    num, den = np.array([5.0, 300.0, 100.0]), np.array([10.0, 1000.0, 1000.0])
    eb = eb_global(num, den)
    crude = crude_rate(num, den)
    b = num.sum() / den.sum() * 100
    weight = (eb - b) / (crude - b)  # share of its own rate an area keeps
    assert 0 < weight[0] < weight[1] < 1 and weight[1] == pytest.approx(weight[2])


def test_eb_local_uses_neighbours():
    num, den = [10, 0, 50], [100, 100, 100]
    # area 0 and 1 are neighbours (same numbers as the global example → 9 % and 1 %); area 2 is an island:
    # its reference is itself, so its rate stays 50 %
    assert eb_local(num, den, [[1], [0], []]) == pytest.approx([9.0, 1.0, 50.0])


def _grid(values: dict[str, tuple[float, float]]):
    rows = []
    for key, (rlb, ew) in values.items():
        rows += [("zelle", key, "rlb", "2024", rlb, None, None, None),
                 ("zelle", key, "ew_gesamt", "2024", ew, None, None, None)]
    return pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                       "denominator", "flag"])


CELLS = {f"r{r}c{c}": (50.0, 1000.0) for r in range(3) for c in range(3)}


def test_store_rates_min_population_and_smoothing(store):
    cells = dict(CELLS)
    cells["r0c0"] = (40.0, 200.0)  # 20 % of only 200 residents
    cells["r2c2"] = (1.0, 1000.0)  # a single recipient: suppressed
    source, batch = grid_batch(_grid(cells))
    replace_source(store, source, batch)
    raw = rates_for_display(store, "zelle", "sgb2_quote", "2024").set_index("area_key")
    assert np.isnan(raw.loc["r0c0", "value"]) and raw.loc["r0c0", "flag"] == "not_scored"
    assert raw.loc["r1c1", "value"] == pytest.approx(5.0) and raw.loc["r1c1", "flag"] is None
    assert raw.loc["r2c2", "flag"] == "suppressed" and np.isnan(raw.loc["r2c2", "value"])
    smooth = rates_for_display(store, "zelle", "sgb2_quote", "2024", smoothing="global").set_index("area_key")
    assert smooth.loc["r0c0", "flag"] == "estimated"
    assert 5.0 < smooth.loc["r0c0", "value"] < 20.0  # pulled towards the level's rate
    assert smooth.loc["r2c2", "flag"] == "suppressed" and np.isnan(smooth.loc["r2c2", "value"])
    local = rates_for_display(store, "zelle", "sgb2_quote", "2024", smoothing="local").set_index("area_key")
    assert local["flag"].isin(["estimated", "suppressed"]).all()
    with pytest.raises(ValueError, match="Glättung"):
        rates_for_display(store, "zelle", "sgb2_quote", "2024", smoothing="kernel")
