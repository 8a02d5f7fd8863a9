"""The MSS need index: hand-checkable frames, the store on the 3×3 grid, two-year changes."""

import numpy as np
import pandas as pd
import pytest

from sozialraum.analysis.need_index import changes, earlier_period, mss_index, need_index_for_store
from sozialraum.store import replace_source
from sozialraum.testing import grid_batch

P = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
Z = (P - 3.0) / np.sqrt(2.5)  # sample sd of 1..5 is √2.5: z = −1.26, −0.63, 0, 0.63, 1.26


def _frame(**cols):
    return pd.DataFrame({"id": [f"0{i}" for i in range(len(next(iter(cols.values()))))], **cols})


def test_single_pattern_gives_its_z_scores():
    # three indicators that move together (any positive scale) sum to 3z; re-standardised: z again
    f = _frame(S1=P, S3=10 * P + 7, S4=0.5 * P, D1=-P, D3=-P, D4=-2 * P)
    out = mss_index(f, id_col="id")
    assert out["status_index"].to_numpy() == pytest.approx(Z)
    assert out["dynamics_index"].to_numpy() == pytest.approx(-Z)
    # −1.26 hoch, ±0.63 and 0 mittel, 1.26 niedrig (above +1 up to +1.5)
    assert list(out["status_class"]) == ["hoch", "mittel", "mittel", "mittel", "niedrig"]
    assert list(out["dynamics_class"]) == ["negativ", "stabil", "stabil", "stabil", "positiv"]
    assert list(out["code"]) == ["1-", "2+/-", "2+/-", "2+/-", "3+"]
    assert list(out["area_id"]) == ["00", "01", "02", "03", "04"]  # keys stay text


def test_population_sd_scales_by_sqrt_n_over_n_minus_1():
    f = _frame(S1=P, S3=P ** 2, S4=np.sqrt(P), D1=P, D3=P, D4=P)
    a = mss_index(f, id_col="id", ddof=1)["status_index"].to_numpy()
    b = mss_index(f, id_col="id", ddof=0)["status_index"].to_numpy()
    assert b == pytest.approx(a * np.sqrt(5 / 4))


def test_invalid_and_incomplete_rows_are_not_scored_and_do_not_shift_others():
    base = _frame(S1=P, S3=P, S4=P, D1=P, D3=P, D4=P)
    extra = pd.DataFrame({"id": ["x1", "x2"], "S1": [1000.0, 2.0], "S3": [1000.0, np.nan], "S4": [1000.0, 2.0],
                          "D1": [9.0, 1.0], "D3": [9.0, 1.0], "D4": [9.0, 1.0]})
    f = pd.concat([base, extra], ignore_index=True)
    valid = np.array([True] * 5 + [False, True])
    out = mss_index(f, valid=valid, id_col="id")
    assert list(out["scored"]) == [True] * 5 + [False, False]
    assert out["status_index"].iloc[:5].to_numpy() == pytest.approx(Z)
    assert out.iloc[5:][["status_class", "dynamics_class", "code"]].eq("").all().all()
    assert out["status_index"].iloc[5:].isna().all()


def test_weights_change_the_mix():
    a = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    b = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    f = _frame(S1=a, S3=b, S4=np.zeros(5), D1=P, D3=P, D4=P)
    equal = mss_index(f, id_col="id")["status_index"].to_numpy()
    assert equal[0] == pytest.approx(equal[4])  # symmetric
    heavy = mss_index(f, id_col="id", weights={"S3": 3.0})["status_index"].to_numpy()
    assert heavy[4] > heavy[0]
    with pytest.raises(ValueError, match="unbekannte"):
        mss_index(f, id_col="id", weights={"S9": 1.0})


def test_earlier_period():
    assert earlier_period("2024") == "2022"
    assert earlier_period("2024-12-31") == "2022-12-31"
    assert earlier_period("2024-02-29") == "2022-02-28"


# ---------------------------------------------------------------- store on the 3×3 grid
def _grid(period: str, p: dict[str, float], ew: dict[str, float] | None = None):
    """Cell rates proportional to p: alo_quote = p %, sgb2_quote = 2p %, kinderarmut = 3p %."""
    rows = []
    for key, share in p.items():
        pop = (ew or {}).get(key, 1000.0)
        # plausible counts (children below their total, SGB II children below all SGB II recipients)
        counts = {"ew_gesamt": pop, "ew_15_64": pop, "ew_u15": pop / 2, "alo_sgb2": share * pop / 100,
                  "rlb": 2 * share * pop / 100, "rlb_u15": 1.5 * share * pop / 100}
        rows += [("zelle", key, ind, period, v, None, None, None) for ind, v in counts.items()]
    return pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                       "denominator", "flag"])


KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]


def test_store_index_with_min_population_and_changes(store):
    p22 = dict(zip(KEYS, [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0]))
    p24 = {k: v + (1.0 if k == "r2c2" else 0.0) for k, v in p22.items()}  # only r2c2 gets worse (+1 pp)
    small = {"r0c0": 200.0}  # under 300 residents: not scored
    obs = pd.concat([_grid("2022", p22, small), _grid("2024", p24, small)], ignore_index=True)
    source, batch = grid_batch(obs)
    replace_source(store, source, batch)
    ch = changes(store, "zelle", "2024")
    got = ch.set_index(["area_key", "indicator"])["value"]
    assert got[("r2c2", "alo_quote_d2")] == pytest.approx(1.0)
    assert got[("r2c2", "kinderarmut_d2")] == pytest.approx(3.0)
    assert got[("r1c1", "sgb2_quote_d2")] == pytest.approx(0.0)
    out = need_index_for_store(store, "zelle", "2024").set_index("area_key")
    assert not out.loc["r0c0", "scored"] and out["scored"].sum() == 8
    scored = np.array([p24[k] for k in KEYS[1:]])
    z = (scored - scored.mean()) / scored.std(ddof=1)
    assert out.loc[KEYS[1:], "status_index"].to_numpy() == pytest.approx(z)
    # dynamics: only r2c2 changed; its DI is the largest and "negativ" (8 areas: (1 − 1/8)/sd = 2.47)
    assert out["dynamics_index"].idxmax() == "r2c2" and out.loc["r2c2", "dynamics_class"] == "negativ"
    assert out.loc["r1c1", "code"] == "2+/-"
    # the city level (one area) cannot be standardised: nobody is classified, nothing crashes
    city = need_index_for_store(store, "stadt", "2024")
    assert city["status_class"].eq("").all()


def test_store_index_uses_only_published_rates(store):
    p = dict(zip(KEYS, [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0]))
    obs = _grid("2024", p)
    # r1c1: 2 unemployed in SGB II (primary suppression) -> alo_quote suppressed -> area not scored
    obs.loc[(obs.area_key == "r1c1") & (obs.indicator == "alo_sgb2"), "value"] = 2.0
    source, batch = grid_batch(obs)
    replace_source(store, source, batch)
    out = need_index_for_store(store, "zelle", "2024").set_index("area_key")
    assert not out.loc["r1c1", "scored"]
    assert out["scored"].sum() < 9
    assert out["dynamics_class"].eq("").all()  # no period two years earlier: status only
    assert out.loc[out["scored"], "code"].isin(["1", "2", "3", "4"]).all()


@pytest.mark.reference
def test_store_reproduces_the_file_computation_on_berlin(reference_dir, store):
    """MSS 2021 shares imported into a store give the same index as the file command (536 scored)."""
    import geopandas as gpd

    from sozialraum.cli.need_cmd import read_text_table, to_numbers
    from sozialraum.store import Batch, SourceInfo

    src = reference_dir / "berlin-mss-2021" / "mss2021_indexindikatoren_plr.csv"
    text, _ = read_text_table(src)
    cols = ["EW", "S1", "S3", "S4", "D1", "D3", "D4"]
    nums = to_numbers(text, cols, file=src.name)
    nums["PLR_ID"] = text["PLR_ID"]
    shapes = gpd.read_file(reference_dir / "berlin-lor-2021" / "lor_planungsraeume_2021_simplified10m.geojson")
    shapes = shapes.to_crs(25833).rename(columns={"PLR_ID": "area_key", "PLR_NAME": "name"})
    shapes = shapes.assign(level="plr", parent_key=None)[["level", "area_key", "name", "parent_key", "geometry"]]
    names = {"EW": "ew_gesamt", "S1": "mss_s1", "S3": "mss_s3", "S4": "mss_s4", "D1": "mss_d1", "D3": "mss_d3",
             "D4": "mss_d4"}
    long = nums.melt(id_vars="PLR_ID", var_name="col", value_name="value")
    obs = pd.DataFrame({"level": "plr", "area_key": long["PLR_ID"], "indicator": long["col"].map(names),
                        "period": "2020-12-31", "value": long["value"], "numerator": None, "denominator": None,
                        "flag": np.where(long["value"].isna(), "missing", None)})
    levels = pd.DataFrame({"level": ["plr"], "label": ["Planungsraum"], "hierarchy": ["lor"], "rank": [0],
                           "parent_level": [None]})
    replace_source(store, SourceInfo("mss", "MSS 2021"), Batch(levels=levels, areas=shapes, observations=obs),
                   simplify_m=0)
    got = need_index_for_store(store, "plr", "2020-12-31").set_index("area_key")
    assert got["scored"].sum() == 536
    valid = (text["KOM"] == "gültig").to_numpy()
    ref = mss_index(nums.assign(area_id=text["PLR_ID"]), valid=valid, id_col="area_id").set_index("area_id")
    assert got.loc[ref.index, "status_index"].to_numpy() == pytest.approx(ref["status_index"].to_numpy(),
                                                                           nan_ok=True)
    assert (got.loc[ref.index, "code"] == ref["code"]).all()
