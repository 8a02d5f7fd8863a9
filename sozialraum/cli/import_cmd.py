"""Commands that fill the store: ``recipe``, ``import-areas``, ``import-stats``, ``import-points``, ``list``.

Errors are raised as ``InputError``; ``sozialraum.cli.main`` prints them without a traceback (exit code 2).
"""

from __future__ import annotations

import re
from pathlib import Path

import click

DB_HELP = ("Datenordner einer Stadt, z. B. data/wiesbaden, oder eine einzelne DuckDB-Datei "
           "(Standard: $SOZIALRAUM_DB, sonst data/$SOZIALRAUM_STORE).")


def _db_option(f):
    return click.option("--db", "db", type=click.Path(path_type=Path), default=None,
                        help=DB_HELP)(f)


def _confirm_option(f):
    return click.option("--bestaetigen", "confirm", is_flag=True,
                        help="Zweifelhafte Werte (Plausibilitätswarnungen) trotzdem übernehmen; sie werden als "
                             "„unsicher“ markiert. Unmögliche Werte werden immer abgelehnt.")(f)


def _source_options(f):
    f = click.option("--stichtag", "reference_date", default=None, help="Stichtag der Daten, z. B. 2024-12-31.")(f)
    f = click.option("--lizenz", "licence", default=None, help="Lizenz, z. B. 'CC BY 3.0 DE'.")(f)
    f = click.option("--herausgeber", "publisher", default=None, help="Wer die Daten veröffentlicht hat.")(f)
    f = click.option("--titel", "title", default=None, help="Titel der Quelle (Standard: Dateiname).")(f)
    f = click.option("--quelle", "source_id", required=True,
                     help="Kennung der Quelle. Ein erneuter Import mit derselben Kennung ersetzt die alten Daten.")(f)
    return f


def _connect(db):
    """``with _connect(db) as con:`` — writes a new snapshot, published only when the block succeeds."""
    from sozialraum.store.connection import default_write_path
    from sozialraum.store.snapshots import writing

    return writing(db if db is not None else default_write_path(), note=f"sozialraum {click.get_current_context().info_name}")


def _source(source_id, title, publisher, licence, reference_date, path):
    from sozialraum.store import SourceInfo

    return SourceInfo(source_id, title or Path(path).name, publisher=publisher, licence=licence,
                      reference_date=reference_date, files=(Path(path).name,))


def _pairs(values: tuple[str, ...], what: str) -> dict:
    from sozialraum.errors import InputError

    out: dict = {}
    for v in values:
        if "=" not in v:
            raise InputError(f"{what}: '{v}' hat nicht die Form name=spalte")
        k, cols = v.split("=", 1)
        parts = [c.strip() for c in cols.split("+")]
        out[k.strip()] = parts[0] if len(parts) == 1 else parts
    return out


@click.command()
@click.argument("recipe_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Ordner, auf den sich die Dateinamen im Rezept beziehen.")
@_confirm_option
@_db_option
def recipe(recipe_file, data_dir, confirm, db):
    """Alle Quellen eines Rezepts (TOML) einlesen, z. B. die offenen Daten Berlins.

    Erst werden alle Dateien gelesen und geprüft, dann geschrieben. Gibt es irgendwo ein Problem, bleibt die
    Datenbank unverändert. Ein erneuter Lauf ersetzt die Daten, er verdoppelt nichts.

    Beispiel: sozialraum recipe recipes/berlin.toml --data-dir ../shared/reference
    """
    from sozialraum.io.recipe import run_recipe

    with _connect(db) as con:
        report = run_recipe(con, recipe_file, data_dir, confirm_warnings=confirm)
    click.echo(str(report))


@click.command("import-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ebene", "level", required=True, help="Kennung der Gebietsebene, z. B. 'planungsraum'.")
@click.option("--bezeichnung", "label", required=True, help="Angezeigter Name der Ebene, z. B. 'Planungsraum'.")
@click.option("--schluessel", "key", required=True, help="Spalte mit dem Gebietsschlüssel.")
@click.option("--name", "name", required=True, help="Spalte mit dem Gebietsnamen.")
@click.option("--obergebiet-ebene", "parent_level", default=None, help="Nächstgröbere Ebene (muss es schon geben).")
@click.option("--obergebiet", "parent", default=None, help="Spalte mit dem Schlüssel des Obergebiets.")
@click.option("--obergebiet-abgleich", "parent_match", default="schluessel", show_default=True,
              help="Was die Spalte --obergebiet enthält: 'schluessel' (den Schlüssel des Obergebiets), 'name' (seinen "
                   "Namen, vereinheitlicht wie bei import-stats --abgleich name) oder 'vorlage:B{:02d}'. Jede Zeile "
                   "ohne passendes Obergebiet wird mit ähnlichen Namen gemeldet.")
@click.option("--obergebiet-stellen", "parent_chars", type=int, default=None,
              help="Obergebiet = die ersten N Zeichen des Schlüssels (statt einer Spalte).")
@click.option("--system", "hierarchy", default=None, help="Name des Gebietssystems (Standard: die Ebene).")
@click.option("--rang", "rank", type=int, default=None,
              help="0 = feinste Ebene, nach oben steigend. Ohne Angabe aus --obergebiet-ebene abgeleitet: die "
                   "Ebene liegt dann eine Stufe unter ihrem Obergebiet (verbundene Ebenen werden immer so geordnet).")
@click.option("--layer", default=None, help="Layer einer GeoPackage-Datei oder Datei im ZIP-Archiv.")
@click.option("--epsg", "target_epsg", type=int, default=None,
              help="Metrisches Ziel-CRS für eine neue Datenbank (sonst das der Datenbank).")
@_source_options
@_confirm_option
@_db_option
def import_areas(file, level, label, key, name, parent_level, parent, parent_match, parent_chars, hierarchy, rank, layer,
                 target_epsg, source_id, title, publisher, licence, reference_date, confirm, db):
    """Gebiete (Flächen) aus GeoJSON, GeoPackage, Shapefile oder gezipptem Shapefile einlesen.

    Jedes Koordinatensystem wird umgerechnet; fehlt die Angabe, ist das ein Fehler. Ungültige Flächen werden
    repariert und gemeldet, doppelte Schlüssel abgelehnt.
    """
    from sozialraum.io.loader import import_areas as run

    with _connect(db) as con:
        report = run(con, file, source=_source(source_id, title, publisher, licence, reference_date, file),
                     level=level, label=label, key=key, name=name, hierarchy=hierarchy, rank=rank or 0,
                     parent_level=parent_level, parent=parent,
                     parent_match=parent_match if parent_match != "schluessel" else None,
                     parent_slice=[0, parent_chars] if parent_chars else None, layer=layer,
                     target_epsg=target_epsg, confirm_warnings=confirm)
    click.echo(str(report))


@click.command("import-stats")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ebene", "level", required=True, help="Gebietsebene, zu der die Zeilen gehören.")
@click.option("--schluessel", "key", required=True,
              help="Spalte, über die die Zeilen den Gebieten zugeordnet werden (Schlüssel, Name oder Nummer; "
                   "ohne Kopfzeile: 'Spalte 1', 'Spalte 2' …).")
@click.option("--abgleich", "match", default="schluessel", show_default=True,
              help="Wie Zeilen Gebiete finden: 'schluessel' (die Spalte enthält die Gebietsschlüssel), 'name' "
                   "(Gebietsnamen, vereinheitlicht: Groß/klein, Umlaute, '_', führende Nummern wie '04 ') oder "
                   "'vorlage:STGT{:02d}' (Nummer in der Spalte → Schlüssel nach Vorlage).")
@click.option("--nicht-gefunden", "on_unmatched", type=click.Choice(["stop", "auslassen"]), default="stop",
              show_default=True,
              help="Zeilen ohne passendes Gebiet: 'stop' bricht ab und listet sie, 'auslassen' lässt sie aus und "
                   "listet sie. Summenzeilen (Stadt, Bezirk, 'insgesamt', Summe der Zeilen darüber) und Zeilen "
                   "ohne Schlüssel werden immer ausgelassen und gemeldet.")
@click.option("--indikator", "indicators", multiple=True,
              help="Zuordnung indikator=spalte (mehrfach; 'ew_u15=unter6+6bis15' summiert Spalten; "
                   "'ew_gesamt=EW_{jahr}' liest Jahre aus den Spalten EW_2018, EW_2019 … als Zeiträume). "
                   "Im Langformat: indikator=Text in der Indikatorspalte.")
@click.option("--anteil", "shares", multiple=True,
              help="Indikator, dessen Spalte einen Anteil 0–1 enthält (wird ×100 als Prozent gespeichert).")
@click.option("--zeitraum", "period", default=None, help="Fester Zeitraum, z. B. 2024 oder 2024-12-31.")
@click.option("--zeitraum-spalte", "period_column", default=None, help="Spalte mit dem Zeitraum.")
@click.option("--indikator-spalte", "indicator_column", default=None, help="Langformat: Spalte mit dem Indikator.")
@click.option("--wert-spalte", "value_column", default=None, help="Langformat: Spalte mit dem Wert.")
@click.option("--kein-wert", "sentinels", type=float, multiple=True,
              help="Zahl, die 'kein Wert' bedeutet, z. B. -9999 (mehrfach möglich).")
@click.option("--schluessel-stellen", "key_width", type=int, default=None,
              help="Zahlen-Schlüssel mit führenden Nullen auf diese Stellenzahl auffüllen (z. B. 4: 101 → 0101).")
@click.option("--blatt", "sheet", default=None, help="Tabellenblatt einer Excel-Datei (Standard: das erste).")
@click.option("--kopfzeile", "header_row", type=int, default=None,
              help="Zeile mit den Spaltennamen; 0 = die Datei hat keine Kopfzeile. Ohne Angabe werden Titelzeilen, "
                   "zweizeilige Köpfe und Anmerkungen unter der Tabelle erkannt.")
@click.option("--kopfzeilen", "header_rows", default=None,
              help="Zweizeiliger Kopf, z. B. '4,5' (die Namen werden zusammengesetzt).")
@click.option("--datenzeilen", "data_rows", default=None, help="Datenbereich, z. B. '6-15'.")
@click.option("--rezept-speichern", "save_recipe", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Die Angaben als Rezept (TOML) speichern; nächstes Jahr: sozialraum recipe DATEI --data-dir ….")
@_source_options
@_confirm_option
@_db_option
def import_stats(file, level, key, match, on_unmatched, indicators, shares, period, period_column,
                 indicator_column, value_column, sentinels, key_width, sheet, header_row, header_rows, data_rows,
                 save_recipe, source_id, title, publisher, licence, reference_date, confirm, db):
    """Kennzahlen aus CSV oder Excel (XLSX) einlesen, breit oder lang.

    Versteht ';', ',' und Tab als Trennzeichen, Dezimalkomma (auch in Anführungszeichen in Komma-Dateien),
    Tausenderpunkte, UTF-8 mit/ohne BOM und cp1252. Die Marker der Bundesagentur ('*' gesperrt; '-', 'x', '.'
    kein Wert) werden gekennzeichnet, nie als Zahl gelesen; zusammengeklebte Zahlen (aus PDF) werden gemeldet.
    Jede Zeile, die keinem Gebiet zugeordnet werden kann, wird mit Zeilennummer und ähnlichen Namen gemeldet.
    Platzhalter wie -9999, -1 oder 99999 gelten als „kein Wert“. Unmögliche Werte (negative Anzahlen, Quoten über
    100 %, Teilgruppe größer als die Gesamtzahl, …) brechen den Import ab; zweifelhafte Werte nur mit
    --bestaetigen (dann als „unsicher“ markiert).

    Beispiel: sozialraum import-stats profile.xlsx --blatt "Profile 2022" --ebene stadtteil --schluessel
    Stadtteil --abgleich name --nicht-gefunden auslassen --indikator "ew_gesamt=Bevölkerung insgesamt"
    --zeitraum 2022 --quelle profile-2022
    """
    from sozialraum.io.loader import import_statistics

    entry = stats_entry(file, level=level, key=key, match=match, on_unmatched=on_unmatched, indicators=indicators,
                        shares=shares, period=period, period_column=period_column,
                        indicator_column=indicator_column, value_column=value_column, sentinels=sentinels,
                        sheet=sheet, header_row=header_row, header_rows=header_rows, data_rows=data_rows,
                        key_width=key_width)
    source = _source(source_id, title, publisher, licence, reference_date, file)
    options = {k: v for k, v in entry.items() if k not in ("file", "level", "key")}
    with _connect(db) as con:
        report = import_statistics(con, file, source=source, level=level, key=key, confirm_warnings=confirm,
                                   **options)
    click.echo(str(report))
    if save_recipe is not None:
        from sozialraum.io.recipe_toml import dump, statistics_recipe

        save_recipe.write_text(dump(statistics_recipe(source, entry)), encoding="utf-8")
        click.echo(f"Rezept gespeichert: {save_recipe} (Dateien relativ zu: {Path(file).parent})")


def stats_entry(file, *, level, key, match, on_unmatched, indicators, shares, period, period_column,
                indicator_column, value_column, sentinels, sheet, header_row, header_rows, data_rows,
                key_width=None) -> dict:
    """The options of one statistics import, as a recipe entry (see ``sozialraum.io.recipe``)."""
    from sozialraum.errors import InputError

    entry: dict = {"file": Path(file).name, "level": level, "key": key}
    if match and match != "schluessel":
        entry["match"] = match
    if on_unmatched == "auslassen":
        entry["on_unmatched"] = "skip"
    entry["indicators"] = _pairs(indicators, "--indikator") or None
    if shares:
        unknown = [s for s in shares if s not in (entry["indicators"] or {})]
        if unknown:
            raise InputError(f"--anteil nennt Indikatoren ohne Spalte: {', '.join(unknown)}")
        entry["scale"] = {s: 100.0 for s in shares}
    for name, value in (("period", period), ("period_column", period_column),
                        ("indicator_column", indicator_column), ("value_column", value_column), ("sheet", sheet)):
        if value is not None:
            entry[name] = value
    if sentinels:
        entry["sentinels"] = list(sentinels)
    if key_width:
        entry["key_width"] = int(key_width)
    entry.update({k: v for k, v in _layout_options(None, header_row, header_rows, data_rows, auto=True).items()
                  if k != "sheet"})
    return entry


def _layout_options(sheet, header_row, header_rows, data_rows, *, auto: bool) -> dict:
    """Recipe options for where the table is (``--blatt``, ``--kopfzeile``, ``--kopfzeilen``, ``--datenzeilen``);
    ``auto``: without any of them the layout is detected (``header_row = "auto"``)."""
    from sozialraum.errors import InputError

    out: dict = {}
    if sheet is not None:
        out["sheet"] = sheet
    if header_rows:
        try:
            out["header_rows"] = [int(x) for x in header_rows.split(",") if x.strip()]
        except ValueError:
            raise InputError(f"--kopfzeilen: '{header_rows}' ist keine Liste von Zeilennummern wie '4,5'") from None
    if data_rows:
        m = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", data_rows)
        if not m:
            raise InputError(f"--datenzeilen: '{data_rows}' hat nicht die Form '6-15'")
        out["first_row"], out["last_row"] = int(m.group(1)), int(m.group(2))
    if header_row is not None:
        out["header_row"] = header_row
    elif auto and not header_rows and not data_rows:
        out["header_row"] = "auto"
    return out


@click.command("import-points")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tabelle", "table", type=click.Choice(["providers", "candidate_venues", "jobcenter_sites"]),
              default="providers", show_default=True,
              help="providers = Angebote, candidate_venues = Kandidatenorte (mögliche Orte für Außenstellen und "
                   "Sprechstunden), jobcenter_sites = Jobcenter-Standorte.")
@click.option("--typ", "kind", default=None,
              help="Eine Art für alle Punkte: Angebotsart (z. B. kita, schuldnerberatung), Ortsart (z. B. "
                   "bibliothek, stadtteilzentrum, beratungsstelle) oder Standortart.")
@click.option("--typ-spalte", "type_column", default=None,
              help="Spalte mit der Art je Punkt. Texte wie 'Bibliothek' oder 'Stadtteilzentrum' werden erkannt; "
                   "andere mit --typ-zuordnung.")
@click.option("--typ-zuordnung", "type_pairs", multiple=True,
              help="Text der Typ-Spalte → Art, z. B. 'Stadtteilbücherei=bibliothek' (mehrfach).")
@click.option("--x", "x", default=None, help="CSV/Excel: Spalte mit x bzw. Länge (lon).")
@click.option("--y", "y", default=None, help="CSV/Excel: Spalte mit y bzw. Breite (lat).")
@click.option("--crs", default=None,
              help="CSV/Excel: Koordinatensystem, z. B. EPSG:4326 für lon/lat, EPSG:25832 für UTM-Meter. "
                   "Dezimalkommas werden verstanden.")
@click.option("--id", "id_column", default=None, help="Spalte mit einer eindeutigen Kennung.")
@click.option("--feld", "fields", multiple=True,
              help="Zuordnung feld=spalte, z. B. name=Bezeichnung, traeger=Träger, capacity=Plätze "
                   "(mehrfach; 'address=strasse+plz' verbindet Spalten).")
@click.option("--nur-in-ebene", "inside_level", default=None,
              help="Nur Punkte innerhalb der Gebiete dieser Ebene übernehmen (die anderen werden gemeldet).")
@click.option("--fehlerhafte-zeilen", "on_invalid", type=click.Choice(["stop", "auslassen"]), default="stop",
              show_default=True,
              help="Zeilen ohne Name, ohne oder mit unlesbarer Koordinate oder mit unbekannter Art: 'stop' bricht ab "
                   "und listet alle, 'auslassen' übernimmt den Rest und listet die ausgelassenen Zeilen.")
@click.option("--blatt", "sheet", default=None, help="Tabellenblatt einer Excel-Datei (Standard: das erste).")
@click.option("--kopfzeile", "header_row", type=int, default=None,
              help="Zeile mit den Spaltennamen; 0 = keine Kopfzeile. Ohne Angabe: Zeile 1 (mit --kopfzeile-erkennen "
                   "werden Titelzeilen und Anmerkungen erkannt).")
@click.option("--kopfzeile-erkennen", "detect", is_flag=True,
              help="Titelzeilen über der Tabelle, zweizeilige Köpfe und Anmerkungen darunter erkennen.")
@click.option("--kopfzeilen", "header_rows", default=None, help="Zweizeiliger Kopf, z. B. '3,4'.")
@click.option("--datenzeilen", "data_rows", default=None, help="Datenbereich, z. B. '5-40'.")
@click.option("--rezept-speichern", "save_recipe", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Die Angaben als Rezept (TOML) speichern; nächstes Jahr: sozialraum recipe DATEI --data-dir ….")
@_source_options
@_confirm_option
@_db_option
def import_points(file, table, kind, type_column, type_pairs, x, y, crs, id_column, fields, inside_level, on_invalid,
                  sheet, header_row, detect, header_rows, data_rows, save_recipe, source_id, title, publisher,
                  licence, reference_date, confirm, db):
    """Standorte (Punkte) aus CSV, Excel (lon/lat oder x/y mit CRS) oder GeoJSON einlesen.

    Angebote (providers) brauchen eine Angebotsart, Kandidatenorte (candidate_venues) eine Ortsart: fest mit --typ
    oder je Zeile mit --typ-spalte. Jede fehlerhafte Zeile wird mit Datei, Zeile, Spalte und Grund gemeldet.

    Beispiel: sozialraum import-points orte.csv --tabelle candidate_venues --x Rechtswert --y Hochwert
    --crs EPSG:25832 --feld name=Bezeichnung --typ-spalte Art --fehlerhafte-zeilen auslassen --quelle orte
    """
    from sozialraum.io.loader import import_points as run

    entry = points_entry(file, table=table, kind=kind, type_column=type_column, type_pairs=type_pairs, x=x, y=y,
                         crs=crs, id_column=id_column, fields=fields, inside_level=inside_level, on_invalid=on_invalid,
                         sheet=sheet, header_row=header_row, detect=detect, header_rows=header_rows,
                         data_rows=data_rows)
    source = _source(source_id, title, publisher, licence, reference_date, file)
    options = {k: v for k, v in entry.items() if k not in ("file", "table", "inside_level")}
    with _connect(db) as con:
        report = run(con, file, source=source, table=table, inside_level=inside_level, id_prefix=f"{source_id}:",
                     confirm_warnings=confirm, **options)
    click.echo(str(report))
    if save_recipe is not None:
        from sozialraum.io.recipe_toml import dump, points_recipe

        save_recipe.write_text(dump(points_recipe(source, entry)), encoding="utf-8")
        click.echo(f"Rezept gespeichert: {save_recipe} (Dateien relativ zu: {Path(file).parent})")


def points_entry(file, *, table, kind=None, type_column=None, type_pairs=(), x=None, y=None, crs=None,
                 id_column=None, fields=(), inside_level=None, on_invalid="stop", sheet=None, header_row=None,
                 detect=False, header_rows=None, data_rows=None) -> dict:
    """The options of one points import, as a recipe entry (``[[source.points]]``, see ``sozialraum.io.recipe``)."""
    from sozialraum.io.points import TYPE_FIELDS

    type_field = TYPE_FIELDS[table]
    columns = _pairs(fields, "--feld")
    if type_column:
        columns[type_field] = type_column
    entry: dict = {"file": Path(file).name, "table": table}
    for name, value in (("x", x), ("y", y), ("crs", crs), ("id", id_column), ("inside_level", inside_level)):
        if value is not None:
            entry[name] = value
    entry["columns"] = columns or None
    entry["values"] = {type_field: kind} if kind else None
    type_map = _pairs(type_pairs, "--typ-zuordnung")
    if type_map:
        entry["type_map"] = {k: v if isinstance(v, str) else "+".join(v) for k, v in type_map.items()}
    if on_invalid == "auslassen":
        entry["on_invalid"] = "skip"
    entry.update(_layout_options(sheet, header_row, header_rows, data_rows, auto=detect))
    return {k: v for k, v in entry.items() if v is not None}


@click.command("list")
@_db_option
def list_store(db):
    """Zeigen, was in der Datenbank ist: Gebietsebenen, Kennzahlen mit Zeiträumen, Quellen."""
    from sozialraum.store import connect, default_db_path, read

    con = connect(db if db is not None else default_db_path(), read_only=True)
    try:
        click.echo(format_listing(con, read))
    finally:
        con.close()


def format_listing(con, read) -> str:
    lines = ["Gebietsebenen:"]
    for r in read.levels(con).itertuples():
        parent = f" → {r.parent_level}" if isinstance(r.parent_level, str) else ""
        lines.append(f"  {r.level:<20} {r.label:<22} {r.n_areas:>6} Gebiete  ({r.hierarchy}, Rang {r.rank}{parent})")
    lines.append("Kennzahlen:")
    for r in read.indicators_available(con).itertuples():
        lines.append(f"  {r.indicator:<20} {r.label_de:<45} {', '.join(map(str, r.periods))}")
    lines.append("Standorte:")
    for table, label in [("providers", "Angebote"), ("candidate_venues", "mögliche Orte"),
                         ("jobcenter_sites", "Jobcenter-Standorte")]:
        n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        lines.append(f"  {label:<20} {n:>6}")
    lines.append("Quellen:")
    for r in read.sources(con).itertuples():
        extra = ", ".join(x for x in [r.publisher, r.licence, r.reference_date] if isinstance(x, str))
        lines.append(f"  {r.source_id:<30} {r.title}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines)
