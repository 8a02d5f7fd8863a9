"""Residents and SGB II counts per Ortsteil of the Musterkreis, with Musterstadt's generators.

The Ortsteile are described in the terms of ``sozialraum.demo.population`` / ``sgb2``: the town centres and the
former industrial villages play the part of the city's estates (more transfer receipt, more children), ordinary
villages that of the villa quarters (older, little receipt); the overall SGB II rate is calibrated to a rural
Kreis. Counts are consistent integers; small villages give small cells (1s and 2s) that must be suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.demo import population, sgb2

KREIS_RATE = 0.06  # Regelleistungsberechtigte ÷ residents, whole Kreis, last period


def profile(settlements: pd.DataFrame) -> pd.DataFrame:
    """Per Ortsteil the columns ``population.residents`` and ``sgb2.counts`` expect."""
    town = settlements.town.to_numpy() >= 0
    core = settlements.name.str.endswith("-Mitte").to_numpy()
    ind = settlements.industrial.to_numpy()
    upland = (settlements.kind == "upland").to_numpy()
    return pd.DataFrame({
        "key": settlements.key.to_numpy(),
        "stadtteil": settlements.gemeinde_key.to_numpy(),
        "estate": np.where(core, 0.55, np.where(town, 0.3, np.where(ind, 0.6, 0.0))),
        "hot_inner": np.where(core & (settlements.town.to_numpy() == 0), 0.35, 0.0),
        "affluent": np.where(town | ind, 0.0, np.where(upland, 0.2, 0.1)),
        "centrality": np.where(core, 0.9, np.where(town, 0.5, 0.0)),
        "special": [None] * len(settlements),
        "pop_blocks": settlements.residents.to_numpy(dtype=float),
    })


def counts(settlements: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """(residents by age group, SGB II counts by group, trends) as wide frames keyed by Ortsteil and period."""
    prof = profile(settlements)
    res = population.residents(prof, rng)
    sgb, trends = sgb2.counts(prof, res, rng, target_rate=KREIS_RATE)
    return res, sgb, trends
