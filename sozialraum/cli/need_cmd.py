"""Need analysis on the command line: ``need-index`` (MSS status/dynamics index of any table) and ``hotspots``.

Errors are raised as ``InputError`` naming file, row and column; ``sozialraum.cli.main`` prints them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import click

NEED_COLUMNS = ["area_id", "status_index", "status_class", "dynamics_index", "dynamics_class", "scored"]
MISSING = {"", "-", "–", "x", "X", ".", "..."}


def read_text_table(path: Path):
    """Every cell as text (leading zeros kept): UTF-8 with/without BOM or cp1252; separator ; , or tab."""
    import pandas as pd

    from sozialraum.errors import InputError

    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    sep = max([";", ",", "\t"], key=header.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a message for the user
        raise InputError(f"Datei lässt sich nicht als Tabelle lesen ({exc})", file=Path(path).name) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, sep


def to_numbers(frame, columns: list[str], *, file: str, sentinels=("-9999",), decimal: str = "."):
    """Numeric columns from text cells; missing markers and sentinels become NaN; bad cells raise InputError."""
    import numpy as np
    import pandas as pd

    from sozialraum.errors import InputError, Problem

    out = pd.DataFrame(index=frame.index)
    problems = []
    sentinel_values = {float(s) for s in sentinels}
    for col in columns:
        values = np.full(len(frame), np.nan)
        for i, cell in enumerate(frame[col].astype(str)):
            cell = cell.strip()
            if cell in MISSING:
                continue
            text = cell.replace(".", "").replace(",", ".") if decimal == "," else cell
            try:
                v = float(text)
            except ValueError:
                problems.append(Problem(file=file, row=i + 2, column=col, problem=f"keine Zahl: {cell!r}"))
                continue
            values[i] = np.nan if v in sentinel_values else v
        out[col] = values
    if problems:
        raise InputError(problems)
    return out


def _columns(option: str, name: str) -> list[str]:
    return [c.strip() for c in option.split(",") if c.strip()] if option else []


def _parse_weights(text: str | None, columns: list[str]):
    from sozialraum.errors import InputError

    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if all("=" in p for p in parts):
        out = {}
        for p in parts:
            k, v = p.split("=", 1)
            if k.strip() not in columns:
                raise InputError(f"--weights: {k.strip()!r} ist keine der Index-Spalten ({', '.join(columns)})")
            out[k.strip()] = float(v.replace(",", "."))
        return out
    if len(parts) != len(columns):
        raise InputError(f"--weights: {len(parts)} Gewichte für {len(columns)} Spalten ({', '.join(columns)})")
    return [float(p) for p in parts]


@click.command("need-index")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "id_col", required=True, help="Spalte mit dem Gebietsschlüssel (bleibt Text, z. B. '01100101').")
@click.option("--status", required=True, help="Spalten des Status-Index, mit Komma getrennt (MSS: S1,S3,S4).")
@click.option("--dynamics", default="", help="Spalten des Dynamik-Index, mit Komma getrennt (MSS: D1,D3,D4).")
@click.option("--valid-col", default=None, help="Spalte, die gültige Gebiete kennzeichnet (MSS: KOM).")
@click.option("--valid-value", default=None, help="Wert der gültigen Gebiete in --valid-col (MSS: gültig).")
@click.option("--population-col", default=None, help="Spalte mit der Einwohnerzahl für die Mindestgröße.")
@click.option("--min-population", type=float, default=None,
              help="Gebiete mit weniger Einwohnern werden nicht bewertet (Standard: Einstellung min_population).")
@click.option("--weights", default=None,
              help="Gewichte, z. B. 'S1=2,S4=1' oder eine Liste in der Reihenfolge von --status und --dynamics.")
@click.option("--sentinel", multiple=True, default=("-9999",), show_default=True,
              help="Zahl, die 'kein Wert' bedeutet (mehrfach möglich).")
@click.option("--ddof", type=click.IntRange(0, 1), default=1, show_default=True,
              help="Standardabweichung: 1 = Stichprobe (n−1), 0 = Grundgesamtheit (n).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Ergebnisdatei (CSV).")
def need_index(file, id_col, status, dynamics, valid_col, valid_value, population_col, min_population, weights,
               sentinel, ddof, out):
    """Status- und Dynamik-Index nach dem Berliner MSS für eine beliebige Tabelle (eine Zeile je Gebiet).

    Schreibt area_id, status_index, status_class, dynamics_index, dynamics_class, scored; Klassen bleiben leer,
    wo ein Gebiet nicht bewertet wird (ungültig, zu klein oder Werte fehlen).
    """
    import numpy as np

    from sozialraum.analysis.need_index import mss_index
    from sozialraum.errors import InputError, Problem

    frame, sep = read_text_table(file)
    name = Path(file).name
    status_cols, dyn_cols = _columns(status, "--status"), _columns(dynamics, "--dynamics")
    wanted = [id_col, *status_cols, *dyn_cols] + [c for c in (valid_col, population_col) if c]
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise InputError([Problem(file=name, column=c, problem="Spalte fehlt (vorhanden: "
                                  f"{', '.join(frame.columns)})") for c in absent])
    ids = frame[id_col].str.strip()
    dup = ids[ids.duplicated(keep=False) & (ids != "")]
    if len(dup):
        raise InputError([Problem(file=name, row=int(i) + 2, column=id_col, problem=f"Schlüssel {k!r} doppelt")
                          for i, k in dup.head(20).items()])
    decimal = "," if sep == ";" else "."
    numbers = to_numbers(frame, status_cols + dyn_cols + ([population_col] if population_col else []),
                         file=name, sentinels=sentinel, decimal=decimal)
    numbers.insert(0, "area_id", ids.to_numpy())
    valid = np.ones(len(frame), dtype=bool)
    if valid_col:
        if valid_value is None:
            raise InputError("--valid-col braucht --valid-value (z. B. --valid-col KOM --valid-value gültig)")
        valid &= (frame[valid_col].str.strip() == valid_value).to_numpy()
    if population_col:
        from sozialraum.settings import default

        limit = default("min_population") if min_population is None else min_population
        valid &= (numbers[population_col] >= limit).to_numpy()
    result = mss_index(numbers, status_cols, dyn_cols, _parse_weights(weights, status_cols + dyn_cols), valid,
                       id_col="area_id", ddof=ddof)
    result[NEED_COLUMNS].to_csv(out, index=False, quoting=csv.QUOTE_NONNUMERIC, encoding="utf-8")
    scored = result[result["scored"]]
    click.echo(f"{len(result)} Gebiete gelesen, {len(scored)} bewertet → {out}")
    for column, names in (("status_class", ("hoch", "mittel", "niedrig", "sehr niedrig")),
                          ("dynamics_class", ("positiv", "stabil", "negativ"))):
        if dyn_cols or column == "status_class":
            counts = scored[column].value_counts()
            click.echo(("Status: " if column == "status_class" else "Dynamik: ")
                       + ", ".join(f"{n} {int(counts.get(n, 0))}" for n in names))


@click.command("hotspots")
@click.option("--db", "db", type=click.Path(path_type=Path), default=None,
              help="Datenordner einer Stadt oder DuckDB-Datei (Standard: $SOZIALRAUM_DB, sonst data/musterstadt).")
@click.option("--level", default=None, help="Gebietsebene in der Datenbank, z. B. berlin_plr.")
@click.option("--indicator", default=None, help="Indikator in der Datenbank, z. B. sgb2_quote.")
@click.option("--period", default=None, help="Zeitraum/Stichtag (Standard: der jüngste).")
@click.option("--geo", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Statt der Datenbank: Gebietsdatei (GeoJSON, GeoPackage, Shapefile).")
@click.option("--id", "id_col", default=None, help="Schlüsselspalte der Gebietsdatei.")
@click.option("--values", "values_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="CSV mit den Werten (Standard: die Werte stehen in der Gebietsdatei).")
@click.option("--values-id", default=None, help="Schlüsselspalte der Werte-CSV (Standard: wie --id).")
@click.option("--column", default=None, help="Spalte mit den Werten (Datei-Modus).")
@click.option("--method", type=click.Choice(["gi", "moran"]), default="gi", show_default=True,
              help="Getis-Ord Gi* (Hot/Cold Spots) oder lokales Moran's I (Cluster und Ausreißer).")
@click.option("--distance", type=float, default=None,
              help="Nachbarschaft nach Entfernung der Mittelpunkte in Metern statt gemeinsamer Grenze (Queen).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ergebnis als CSV (Standard: nur Zusammenfassung).")
def hotspots(db, level, indicator, period, geo, id_col, values_file, values_id, column, method, distance, out):
    """Hot Spots (Gi*) oder Cluster (lokales Moran's I) eines Indikators, mit FDR-Korrektur und festem Startwert.

    Datenbank-Modus: --level und --indicator (nur veröffentlichbare Werte, Geheimhaltung beachtet).
    Datei-Modus: --geo, --id, --column (und optional --values mit --values-id).
    """
    from sozialraum.analysis.hotspots import gi_star, local_moran
    from sozialraum.errors import InputError

    if geo is not None:
        gdf, column = _hotspot_file(geo, id_col, values_file, values_id, column)
    else:
        if not (level and indicator):
            raise InputError("Bitte --level und --indicator (Datenbank) oder --geo, --id und --column (Datei) angeben.")
        gdf, column, period = _hotspot_store(db, level, indicator, period)
    run = gi_star if method == "gi" else local_moran
    result = run(gdf, column, id_column="area_key", method="distance" if distance else "queen", distance=distance)
    if out is not None:
        result.to_csv(out, index=False, quoting=csv.QUOTE_NONNUMERIC, encoding="utf-8")
    counts = result["label"].value_counts()
    click.echo(f"{len(result)} Gebiete" + (f", Stichtag {period}" if period else "") + ": "
               + ", ".join(f"{label} {n}" for label, n in counts.items()))
    for key, text in (("islands", "ohne Nachbarn"), ("missing", "ohne Wert"), ("few_neighbours", "nur ein Nachbar")):
        if result.attrs.get(key):
            shown = ", ".join(map(str, result.attrs[key][:10]))
            click.echo(f"{text}: {len(result.attrs[key])} ({shown}{' …' if len(result.attrs[key]) > 10 else ''})")
    if out is not None:
        click.echo(f"→ {out}")


def _hotspot_file(geo, id_col, values_file, values_id, column):
    import geopandas as gpd

    from sozialraum.errors import InputError

    if not (id_col and column):
        raise InputError("Im Datei-Modus werden --id und --column gebraucht.")
    gdf = gpd.read_file(geo)
    if id_col not in gdf.columns:
        raise InputError(f"Spalte {id_col!r} fehlt (vorhanden: {', '.join(map(str, gdf.columns))})",
                         file=Path(geo).name)
    gdf["area_key"] = gdf[id_col].astype(str).str.strip()
    if values_file is not None:
        table, sep = read_text_table(values_file)
        key = values_id or id_col
        for c in (key, column):
            if c not in table.columns:
                raise InputError(f"Spalte {c!r} fehlt (vorhanden: {', '.join(table.columns)})",
                                 file=Path(values_file).name)
        nums = to_numbers(table, [column], file=Path(values_file).name, decimal="," if sep == ";" else ".")
        lookup = dict(zip(table[key].str.strip(), nums[column]))
        gdf = gdf.drop(columns=[column], errors="ignore")
        gdf[column] = gdf["area_key"].map(lookup)
    elif column not in gdf.columns:
        raise InputError(f"Spalte {column!r} fehlt (vorhanden: {', '.join(map(str, gdf.columns))})",
                         file=Path(geo).name)
    if gdf.crs is not None and not gdf.crs.is_projected:
        utm = gdf.estimate_utm_crs()
        click.echo(f"Geografische Koordinaten: für die Nachbarschaften umgerechnet nach EPSG:{utm.to_epsg()}.")
        gdf = gdf.to_crs(utm)
    return gdf, column


def _hotspot_store(db, level, indicator, period):
    from sozialraum.analysis.confidentiality import published
    from sozialraum.errors import InputError
    from sozialraum.store import connect, default_db_path, read

    con = connect(db if db is not None else default_db_path(), read_only=True)
    try:
        periods = read.periods(con, indicator=indicator, level=level)
        if not periods:
            raise InputError(f"Für {indicator!r} gibt es auf Ebene {level!r} keine Werte.")
        period = period or periods[-1]
        values = published(con, level, period=period, indicators=[indicator])
        gdf = read.areas(con, level)
    finally:
        con.close()
    gdf[indicator] = gdf["area_key"].map(dict(zip(values["area_key"], values["value"])))
    return gdf, indicator, period
