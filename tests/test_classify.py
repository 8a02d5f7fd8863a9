"""Class breaks: every scheme on hand-checkable values, NaN handling, few distinct values, German labels."""

import numpy as np
import pytest

from sozialraum.analysis.classify import SCHEMES, classify, format_number

TEN = np.arange(1.0, 11.0)  # 1..10


def test_german_number_format():
    assert format_number(1234.5) == "1.234,5"
    assert format_number(-1.5) == "−1,5"
    assert format_number(-0.01) == "0,0"  # no "minus zero"
    assert format_number(12.5, 2) == "12,50"


def test_quantiles_split_ten_values_in_pairs():
    c = classify(np.append(TEN, np.nan), "quantiles", 5, unit="%")
    assert c.k == 5 and c.counts == (2, 2, 2, 2, 2)
    assert c.bins[-1] == 10
    assert c.labels[0] == "1,0 – 2,8 %" and c.labels[-1] == "8,2 – 10,0 %"
    assert list(c.assign([1, 5, np.nan, 10, 99])) == [0, 2, -1, 4, 4]


def test_equal_interval_bins():
    c = classify(TEN, "equal_interval", 3)
    assert c.bins == pytest.approx((4.0, 7.0, 10.0))
    assert list(c.assign([4.0, 4.0001, 10])) == [0, 1, 2]  # upper bound belongs to the class


def test_fisher_jenks_finds_the_gap():
    c = classify([1, 2, 3, 20, 21, 22, 50, 51], "fisher_jenks", 3)
    assert c.bins == (3.0, 22.0, 51.0)
    assert c.labels == ("1 – 3", "3 – 22", "22 – 51")  # integer data and bins: no decimals


def test_std_mean_is_centred():
    c = classify(TEN, "std_mean", 4)  # multiples −1, 0, +1 around the mean 5.5 (sample sd ≈ 3.03)
    assert c.bins[1] == pytest.approx(5.5)
    assert c.bins[0] == pytest.approx(5.5 - np.std(TEN, ddof=1))


def test_manual_breaks_and_top_class():
    c = classify([1, 5, 20], "manual", breaks=[10, 2])
    assert c.bins == (2.0, 10.0, 20.0) and c.counts == (1, 1, 1)
    with pytest.raises(ValueError, match="Grenzen"):
        classify([1, 2], "manual")


def test_mss_thresholds_are_exact():
    c = classify([], "mss")
    got = c.assign([-1.0001, -1.0, 1.0, 1.0001, 1.5, 1.5001, np.nan])
    assert [c.labels[i] if i >= 0 else "" for i in got] == ["hoch", "mittel", "mittel", "niedrig", "niedrig",
                                                            "sehr niedrig", ""]
    d = classify([-2, 0, 2], "mss_dynamik")
    assert d.labels == ("positiv", "stabil", "negativ") and d.counts == (1, 1, 1)


@pytest.mark.parametrize("scheme", [s for s in SCHEMES if s != "manual"])
def test_few_distinct_values_give_distinct_bins(scheme):
    c = classify([3, 3, 3, 3, 7], scheme, 5)
    assert len(set(c.bins)) == len(c.bins) == c.k
    assert sum(c.counts) == 5
    if scheme not in ("mss", "mss_dynamik", "equal_interval", "std_mean"):
        assert 0 not in c.counts  # no empty class from duplicate quantiles


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "fisher_jenks", "std_mean"])
def test_constant_and_empty_inputs(scheme):
    c = classify([4.0, 4.0, np.nan], scheme, 5)
    assert c.k == 1 and c.counts == (2,) and list(c.assign([4.0, np.nan])) == [0, -1]
    empty = classify([np.nan, np.nan], scheme, 5)
    assert empty.k == 0 and list(empty.assign([1.0])) == [-1]


def test_unknown_scheme():
    with pytest.raises(ValueError, match="Unbekanntes"):
        classify(TEN, "kubisch", 3)
