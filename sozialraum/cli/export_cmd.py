"""``sozialraum report`` (PDF report) and ``sozialraum export`` (CSV/XLSX/GeoPackage)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import click

from sozialraum.export.data_export import FORMATS, WHAT


class GermanError(click.ClickException):
    """A message for the user, printed as "Fehler: …" (exit code 1)."""

    def show(self, file=None):
        click.echo(f"Fehler: {self.format_message()}", err=True)


def _connect(path):
    import duckdb

    from sozialraum.store import connect

    try:
        return connect(path, read_only=True)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        raise GermanError(f"Die Datenbank {path} ist gerade von einem anderen Programm zum Schreiben geöffnet "
                          "(z. B. der laufenden App). Bitte dort schließen oder Bericht und Export in der App "
                          "auf der Seite „Berichte & Export“ erstellen.") from None


def _open(db: str | None):
    """(connection, note) — the given store, the default store, or (when neither exists) a fresh demo store."""
    from sozialraum.store import connect
    from sozialraum.store.connection import default_db_path

    if db is not None:
        return _connect(db), None
    path = default_db_path()
    if path.exists():
        return _connect(path), None
    from sozialraum.demo import build_demo_db

    folder = tempfile.mkdtemp(prefix="sozialraum_demo_")
    atexit.register(shutil.rmtree, folder, True)
    tmp = Path(folder) / "demo.duckdb"
    build_demo_db(tmp)
    note = (f"Keine Datenbank unter {path} – der Bericht wird aus der fiktiven Musterstadt erzeugt "
            "('sozialraum demo' legt sie dauerhaft an).")
    return connect(tmp, read_only=True), note


def _quiet(con) -> None:
    try:
        con.execute("SET enable_progress_bar = false")
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


@click.command("report")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei des PDF-Berichts, z. B. bericht.pdf")
@click.option("--db", default=None, help="Datenordner einer Stadt oder DuckDB-Datei (Standard: $SOZIALRAUM_DB, sonst data/musterstadt; "
                                         "fehlt sie, wird die fiktive Musterstadt verwendet).")
@click.option("--scenario", default=None, help="Name oder Kennung eines gespeicherten Standort-Szenarios "
                                               "(Standard: ein berechnetes Standardszenario).")
@click.option("--compare", "compare", multiple=True, metavar="SZENARIO",
              help="Ratsvorlage: zweimal angeben (A, dann B) – zwei gespeicherte Szenarien (Name oder Kennung) "
                   "nebeneinander: Karten, k-Kurven, Standorttabellen mit Erläuterung, Fallzahlen und "
                   "Personalbedarf, Reichweite nach Statusklasse, Stabilität, Vergleich, Methoden und Quellen.")
@click.option("--pptx", "pptx", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Die Ratsvorlage (mit --compare A --compare B) als bearbeitbare PowerPoint-Datei, z. B. "
                   "ratsvorlage.pptx (echte Tabellen, k-Kurven als bearbeitbare Diagramme, Karten als Bilder).")
@click.option("--areas", default=None, help="Gebietsschlüssel für die Gebietsprofile, durch Komma getrennt "
                                            "(Standard: die zwei Gebiete mit dem höchsten Bedarf).")
@click.option("--level", default=None, help="Gebietsebene (Standard: die feinste Ebene mit Kennzahlen).")
@click.option("--period", default=None, help="Stichtag (Standard: der neueste).")
@click.option("--basemap", type=click.Choice(["none", "basemapde", "osm"]), default=None,
              help="Hintergrundkarte (Standard: Einstellung 'basemap', d. h. keine).")
@click.option("--no-siting", is_flag=True, help="Ohne Abschnitt Standortplanung.")
@click.option("--rota/--no-rota", "rota", default=None,
              help="Abschnitt Mobile Beratung (Wochenplan) erzwingen oder weglassen (Standard: in einem ländlichen "
                   "Kreis mit möglichen Sprechstundenorten).")
def report(out, db, scenario, compare, pptx, areas, level, period, basemap, no_siting, rota):
    """PDF-Bericht (deutsch): Titelseite, Bedarfskarte, Rangfolge, Standortszenario, Gebietsprofile,
    Methoden, Quellen. Mit --compare A --compare B die Ratsvorlage mit zwei Szenarien im Vergleich (im PDF
    mit --out, als PowerPoint mit --pptx, oder beides).

    \b
    Beispiele:
      sozialraum report --out bericht.pdf
      sozialraum report --compare "3 Sprechstunden" --compare "5 Sprechstunden" --out ratsvorlage.pdf
      sozialraum report --compare "3 Sprechstunden" --compare "5 Sprechstunden" --pptx ratsvorlage.pptx
    """
    from sozialraum.export.browser import ChromiumMissing
    from sozialraum.export.report import build_report

    if out is None and pptx is None:
        raise GermanError("Bitte --out DATEI.pdf (PDF-Bericht) oder --pptx DATEI.pptx (PowerPoint) angeben.")
    if compare and len(compare) != 2:
        raise GermanError(f"--compare bitte genau zweimal angeben (Szenario A und B), nicht {len(compare)}-mal.")
    if pptx is not None and not compare:
        raise GermanError("Die PowerPoint-Ratsvorlage vergleicht zwei Szenarien: bitte --compare A --compare B "
                          "angeben.")
    con, note = _open(db)
    _quiet(con)
    if note:
        click.echo(note, err=True)
    keys = [a.strip() for a in areas.split(",") if a.strip()] if areas else None
    try:
        if out is not None:
            result = build_report(con, out, level=level, period=period, scenario=scenario, areas=keys,
                                  basemap=basemap, with_siting=not no_siting, compare=tuple(compare) or None,
                                  with_rota=rota)
            for n in result.notes:
                click.echo(f"Hinweis: {n}", err=True)
            seconds = f"{result.seconds:.1f}".replace(".", ",")
            click.echo(f"Bericht geschrieben: {result.path} ({result.pages} Seiten, {_size(result.size_bytes)}, "
                       f"{seconds} s)")
        if pptx is not None:
            from sozialraum.export.deck import build_deck

            deck = build_deck(con, pptx, tuple(compare), basemap=basemap)
            seconds = f"{deck.seconds:.1f}".replace(".", ",")
            click.echo(f"PowerPoint geschrieben: {deck.path} ({deck.slides} Folien, {_size(deck.size_bytes)}, "
                       f"{seconds} s)")
    except ChromiumMissing as exc:
        raise GermanError(str(exc)) from None
    finally:
        con.close()


@click.command("export")
@click.option("--what", "what", required=True, type=click.Choice(list(WHAT)),
              help="Was: " + "; ".join(f"{k} = {v}" for k, v in WHAT.items()))
@click.option("--format", "fmt", required=True, type=click.Choice(list(FORMATS)),
              help="csv (deutsches Excel: Semikolon, Dezimalkomma, UTF-8 mit BOM), xlsx oder gpkg (QGIS).")
@click.option("--level", default=None, help="Gebietsebene (Standard: die feinste Ebene mit Kennzahlen).")
@click.option("--period", default=None, help="Stichtag (Standard: der neueste).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Zieldatei")
@click.option("--db", default=None, help="Datenordner einer Stadt oder DuckDB-Datei (Standard: $SOZIALRAUM_DB, sonst data/musterstadt).")
def export(what, fmt, level, period, out, db):
    """Daten exportieren – jede Zahl geprüft nach der Geheimhaltungsregel (gesperrte Werte: * bzw. leer)."""
    from sozialraum.export.data_export import export_data

    con, note = _open(db)
    _quiet(con)
    if note:
        click.echo(note.replace("der Bericht wird", "der Export wird"), err=True)
    try:
        path = export_data(con, what, fmt, out, level=level, period=period)
    finally:
        con.close()
    click.echo(f"Export geschrieben: {path} ({_size(path.stat().st_size)})")
