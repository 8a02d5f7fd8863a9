"""Need × gap: areas with high need and poor coverage ("weiße Flecken").

Definition (per area, over the areas that have both a need value and a coverage share):

* ``need_score`` = percentile rank of the need measure (need index, or a rate such as the SGB II quota):
  rank / number of areas, ties averaged; 1 = the highest need in the city. A rank, so the measure's unit and
  skew do not matter and index and rates can be used alike.
* ``gap`` = 1 − covered share (share of the area's target group *not* within the budget of any provider).
* ``need_gap`` = need_score × gap, between 0 and 1. Ranked descending (``rank`` 1 = most urgent); ties by key.
* ``weisser_fleck`` = need_score ≥ 1 − ``top_share`` (default: the top fifth by need) **and** covered share
  < ``poor_coverage`` (default 0.5): high need, mostly out of reach.

Areas without need or coverage get NaN, no rank and are never a "weißer Fleck".
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def need_gap_ranking(need, coverage_share, *, top_share: float = 0.2, poor_coverage: float = 0.5) -> pd.DataFrame:
    """``need`` and ``coverage_share``: Series (or mappings) area_key → value. Higher need = more need."""
    need = pd.Series(need, dtype="float64")
    cov = pd.Series(coverage_share, dtype="float64")
    keys = sorted(set(need.index.astype(str)) | set(cov.index.astype(str)))
    need.index, cov.index = need.index.astype(str), cov.index.astype(str)
    frame = pd.DataFrame({"area_key": keys})
    frame["need"] = need.reindex(keys).to_numpy()
    frame["coverage_share"] = cov.reindex(keys).to_numpy()
    valid = frame["need"].notna() & frame["coverage_share"].notna()
    frame["need_score"] = np.nan
    frame.loc[valid, "need_score"] = frame.loc[valid, "need"].rank(method="average", pct=True)
    frame["gap"] = 1.0 - frame["coverage_share"]
    frame["need_gap"] = frame["need_score"] * frame["gap"]
    frame["weisser_fleck"] = (valid & (frame["need_score"] >= 1 - top_share - 1e-12)
                              & (frame["coverage_share"] < poor_coverage))
    ordered = frame[valid].sort_values(["need_gap", "area_key"], ascending=[False, True])
    frame["rank"] = pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index).reindex(frame.index)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame.sort_values(["rank", "area_key"], na_position="last").reset_index(drop=True)[
        ["area_key", "need", "need_score", "coverage_share", "gap", "need_gap", "rank", "weisser_fleck"]]
