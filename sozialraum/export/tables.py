"""Export tables built from the store — every number through the confidentiality gate.

Indicator values come only from ``sozialraum.analysis.confidentiality.published`` (never from
``store.read.observations``); the need index from ``need_index_for_store``, which carries no counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.errors import InputError
from sozialraum.export.sheet import Column, Sheet
from sozialraum.store.connection import read_sql

_HERE = Path(__file__).parent
DECIMALS = {"count": 0, "rate": 1, "change": 2, "index": 3}
NEED_COLUMNS = {
    "status_index": ("Statusindex (MSS)", 2),
    "status_class": ("Statusklasse", None),
    "dynamics_index": ("Dynamikindex (MSS)", 2),
    "dynamics_class": ("Dynamikklasse", None),
    "code": ("Gesamtcode", None),
}
SUPPRESSION_NOTE = ("Statistische Geheimhaltung: Fallzahlen von 1 bis {max_hidden} und Werte, aus denen sie sich "
                    "errechnen ließen, sind gesperrt (*); Quoten auf gesperrten Fallzahlen ebenso.")


def level_label(con, level: str) -> str:
    row = con.execute("SELECT label FROM area_levels WHERE level = ?", [level]).fetchone()
    if row is None:
        raise InputError(f"Gebietsebene {level!r} gibt es in der Datenbank nicht.")
    return row[0]


def default_level(con) -> str:
    """The finest level that has data (the level a planner usually looks at; most areas, not first by name)."""
    from sozialraum.analysis.data_gaps import finest_level

    level = finest_level(con)
    if level is None:
        raise InputError("Die Datenbank enthält noch keine Kennzahlen. Mit 'sozialraum demo' wird die "
                         "Musterstadt angelegt.")
    return level


def default_period(con, level: str) -> str:
    """The latest period with observations on ``level``."""
    from sozialraum.store import read

    periods = read.periods(con, level=level)
    if not periods:
        raise InputError(f"Für die Gebietsebene {level!r} gibt es keine Kennzahlen.")
    return periods[-1]


def area_names(con, level: str) -> pd.DataFrame:
    """area_key, name, parent_key of one level."""
    frame = con.execute(read_sql("area_names.sql", _HERE), {"level": level}).df()
    if frame.empty:
        raise InputError(f"Gebietsebene {level!r} hat keine Gebiete.")
    return frame


def threshold_note(threshold: float | None = None) -> str:
    from sozialraum.settings import default

    t = int(default("suppression_threshold") if threshold is None else threshold)
    return SUPPRESSION_NOTE.format(max_hidden=max(t - 1, 1))


def _header(spec) -> str:
    return spec.label_de if spec.kind == "count" else f"{spec.label_de} ({spec.unit})"


def indicator_sheet(con, level: str, period: str | None = None, *, indicators: list[str] | None = None,
                    threshold: float | None = None) -> Sheet:
    """One row per area of ``level``, one column per indicator of ``period`` (default: latest), published only."""
    from sozialraum.analysis.confidentiality import published
    from sozialraum.indicators.registry import INDICATORS

    period = period or default_period(con, level)
    names = area_names(con, level)
    pub = published(con, level, period=period, indicators=indicators, threshold=threshold)
    order = [k for k in INDICATORS if k in set(pub["indicator"])]
    order += sorted(set(pub["indicator"]) - set(order))
    values = pub.pivot(index="area_key", columns="indicator", values="value")
    flags = pub.pivot(index="area_key", columns="indicator", values="flag")
    frame = names[["area_key", "name"]].set_index("area_key", drop=False)
    frame = frame.join(values.reindex(columns=order))
    flag_frame = flags.reindex(index=frame.index, columns=order).astype("object")
    flag_frame = flag_frame.where(flag_frame.notna(), None)
    columns = [Column("area_key", "Gebietsschlüssel"), Column("name", "Gebiet")]
    for key in order:
        spec = INDICATORS.get(key)
        if spec is None:
            columns.append(Column(key, key, 2))
        else:
            columns.append(Column(key, _header(spec), DECIMALS.get(spec.kind, 2), spec.unit))
    label = level_label(con, level)
    return Sheet(
        name=f"kennzahlen_{level}"[:60], title=f"Kennzahlen {label} {period}",
        columns=tuple(columns), values=frame.reset_index(drop=True), flags=flag_frame.reset_index(drop=True),
        notes=(f"Gebietsebene: {label}; Stichtag/Zeitraum: {period}.", threshold_note(threshold)),
        tab=f"Kennzahlen {label}",
    )


def need_index_sheet(con, level: str, period: str | None = None) -> Sheet:
    """The MSS status/dynamics index per area (no counts, nothing to suppress beyond unscored areas)."""
    from sozialraum.analysis.need_index import need_index_for_store

    period = period or default_period(con, level)
    names = area_names(con, level)
    index = need_index_for_store(con, level, period)
    frame = names[["area_key", "name"]].merge(index, on="area_key", how="left")
    scored = frame["scored"].fillna(False).astype(bool) if "scored" in frame else pd.Series(True, frame.index)
    columns = [Column("area_key", "Gebietsschlüssel"), Column("name", "Gebiet")]
    flags = pd.DataFrame(index=frame.index)
    for key, (header, decimals) in NEED_COLUMNS.items():
        if key not in frame.columns:
            continue
        if decimals is None:
            frame[key] = frame[key].where(scored & frame[key].notna(), "")
        columns.append(Column(key, header, decimals))
        flags[key] = np.where(scored, None, "not_scored")
    frame["scored"] = np.where(scored, "ja", "nein")
    columns.append(Column("scored", "Bewertet"))
    for key, header in (("reason", "Grund (nicht bewertet)"), ("dynamics_reason", "Grund (Dynamik nicht bewertet)")):
        if key in frame.columns:
            frame[key] = frame[key].fillna("").astype(str)
            columns.append(Column(key, header))
    label = level_label(con, level)
    return Sheet(
        name=f"bedarfsindex_{level}"[:60], title=f"Bedarfsindex {label} {period}", columns=tuple(columns),
        values=frame, flags=flags.astype("object"),
        notes=(f"Gebietsebene: {label}; Stichtag/Zeitraum: {period}.",
               "Index nach dem Verfahren des Berliner Monitorings Soziale Stadtentwicklung (MSS): "
               "z-standardisierte Indikatoren, summiert und erneut standardisiert. Indikatoren: "
               f"{', '.join(index.attrs.get('status', []))}. Nicht bewertete Gebiete: Grund in eigener Spalte."),
        tab=f"Bedarfsindex {label}",
    )


def combine(first: Sheet, second: Sheet, *, name: str, title: str) -> Sheet:
    """Two sheets on the same areas side by side (joined on area_key; the second's name column dropped)."""
    left = first.values.set_index("area_key", drop=False)
    right_cols = [c for c in second.columns if c.key not in ("area_key", "name")]
    right = second.values.set_index("area_key")[[c.key for c in right_cols]]
    values = left.join(right, how="left")
    f1 = first.flags if first.flags is not None else pd.DataFrame(index=first.values.index)
    f2 = second.flags if second.flags is not None else pd.DataFrame(index=second.values.index)
    f1 = f1.set_axis(first.values["area_key"].to_numpy())
    f2 = f2.set_axis(second.values["area_key"].to_numpy())
    flags = f1.join(f2[[c for c in f2.columns if c in right.columns]], how="left")
    flags = flags.reindex(values.index).astype("object")
    flags = flags.where(flags.notna(), None)
    return Sheet(name=name, title=title, columns=first.columns + tuple(right_cols),
                 values=values.reset_index(drop=True), flags=flags.reset_index(drop=True),
                 notes=first.notes + second.notes[1:],
                 tab=f"{title.split(' ')[0]} {first.tab.split(' ', 1)[-1]}")
