"""``sozialraum demo``: build the fictional demo city Musterstadt into a store file."""

from __future__ import annotations

import click


def _number(value: float, digits: int = 0) -> str:
    """German number format: 271.543 / 10,9."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@click.command("demo")
@click.option("--db", "db_path", type=click.Path(), default=None,
              help="Datenordner oder Datenbankdatei (Standard: data/musterstadt, ein eigener Ordner nur für die "
                   "Demo).")
@click.option("--seed", type=int, default=None, show_default=False,
              help="Startwert des Zufallsgenerators; gleicher Startwert ergibt dieselbe Stadt (Standard: 2024).")
@click.option("--keep-other-sources", is_flag=True,
              help="Die Datei nicht neu anlegen, sondern nur die Musterstadt darin ersetzen "
                   "(andere eingelesene Daten bleiben erhalten).")
@click.option("--force", is_flag=True,
              help="Auch eine Datenbank mit anderen (eigenen) Daten durch die Musterstadt ersetzen.")
@click.option("--kreis", is_flag=True,
              help="Statt der Musterstadt den fiktiven ländlichen „Musterkreis“ anlegen (ca. 130.000 Einwohner, "
                   "25 Gemeinden mit Ortsteilen, Straßennetz und Busfahrplan); Standarddatei: musterkreis.duckdb "
                   "neben der Standarddatenbank.")
def demo(db_path: str | None, seed: int | None, keep_other_sources: bool, force: bool, kreis: bool) -> None:
    """Legt die fiktive Demo-Stadt „Musterstadt“ an (ca. 280.000 Einwohner, 3 Gebietsebenen,
    SGB-II-Zahlen für drei Stichtage, Angebote, Jobcenter-Standorte, mögliche Standorte).

    Ohne --keep-other-sources wird die Datenbankdatei neu angelegt (in eine temporäre Datei gebaut und dann
    ersetzt). Eine Datenbank, die gerade benutzt wird (z. B. von der laufenden App), wird nie angetastet; eine
    mit anderen eingelesenen Daten nur mit --force. Alle Daten sind erfunden.
    """
    from sozialraum.demo import DEFAULT_SEED, build_demo_db
    from sozialraum.store.connection import demo_store_path

    if kreis:
        from sozialraum.demo_kreis.build import build_and_describe

        kreis_path = db_path or str(demo_store_path().with_name("musterkreis"))  # its own store folder
        click.echo("\n".join(build_and_describe(kreis_path, seed, keep_other_sources, force)))
        return
    path = db_path or demo_store_path()
    info = build_demo_db(path, seed=DEFAULT_SEED if seed is None else seed, overwrite=not keep_other_sources,
                         force=force)
    lv = info["levels"]
    click.echo(f"Musterstadt (fiktive Demodaten, Startwert {info['seed']}) in {path} angelegt "
               f"({_number(info['seconds'], 1)} s).")
    click.echo(f"  Gebiete: {lv['ms_planungsraum']} Planungsräume, {lv['ms_stadtteil']} Stadtteile, "
               f"{lv['ms_region']} Regionen")
    click.echo(f"  Stichtage: {', '.join(info['periods'])}")
    click.echo(f"  Einwohner/innen ({info['periods'][-1]}): {_number(info['residents'])}")
    click.echo(f"  Regelleistungsberechtigte SGB II: {_number(info['recipients'])} "
               f"(SGB-II-Quote {_number(info['sgb2_rate'], 1)} %)")
    click.echo(f"  Angebote: {_number(info['providers'])}, davon {info['jobcenter_sites']} Jobcenter-Standorte; "
               f"mögliche Standorte für Sprechstunden: {info['venues']}")
    click.echo(f"  Straßennetz (OSM) und Fahrplan (GTFS): {info['network']['folder']}")
    click.echo("Hinweis: Musterstadt gibt es nicht. Alle Zahlen, Namen, Träger und Adressen sind erfunden.")
