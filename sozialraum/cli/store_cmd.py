"""``sozialraum store``: the cities (store folders) in the data folder, their versions, rollback, clean-up."""

from __future__ import annotations

from pathlib import Path

import click


def _store(name_or_path: str | None) -> Path:
    from sozialraum.store.connection import data_dir, default_db_path

    if name_or_path is None:
        return default_db_path()
    p = Path(name_or_path)
    return p if (p.is_dir() or "/" in name_or_path) else data_dir() / name_or_path


@click.group("store")
def store():
    """Städte (Datenordner unter data/ bzw. $SOZIALRAUM_DATA), ihre Datenstände und die Rückkehr zu einem
    älteren Stand. Jeder Import veröffentlicht einen neuen Stand; die App zeigt ihn ohne Neustart."""


@store.command("list")
def list_stores():
    """Alle Städte im Datenordner mit veröffentlichtem Stand."""
    from sozialraum.store import snapshots
    from sozialraum.store.connection import data_dir

    found = snapshots.list_stores(data_dir())
    if not found:
        click.echo(f"Keine Stadt in {data_dir()}. 'sozialraum demo' legt die Musterstadt an, "
                   "'sozialraum store neu NAME' eine leere Stadt.")
    for s in found:
        click.echo(f"{s.store.name:<24} {s.label:<30} Stand {s.version:>4}  {s.published_at}  {s.note}")


@store.command("neu")
@click.argument("name")
def new(name):
    """Eine leere Stadt anlegen, z. B. sozialraum store neu "Landkreis Göttingen" (Ordner data/landkreis-goettingen).
    Das metrische Koordinatensystem wählt der erste Gebietsimport aus der Lage der Daten."""
    from sozialraum.store import snapshots
    from sozialraum.store.connection import data_dir

    snap = snapshots.create_store(data_dir(), name)
    click.echo(f"Angelegt: {snap.store} – Daten einlesen mit --db {snap.store} (oder SOZIALRAUM_STORE="
               f"{snap.store.name}).")


@store.command("versionen")
@click.argument("stadt", required=False)
def list_versions(stadt):
    """Die aufbewahrten Datenstände einer Stadt (Ordnername oder Pfad; Standard: $SOZIALRAUM_STORE)."""
    from sozialraum.store import snapshots

    folder = _store(stadt)
    current = snapshots.current(folder)
    if current is None:
        raise click.ClickException(f"{folder} ist kein Datenordner.")
    for s in snapshots.versions(folder):
        mark = "*" if s.version == current.version else " "
        click.echo(f"{mark} {s.version:>5}  {s.published_at}  {s.note}")


@store.command("rollback")
@click.argument("stadt", required=False)
@click.option("--version", "version", type=int, default=None,
              help="Dieser Stand wird wieder veröffentlicht (Standard: der vorige).")
def rollback(stadt, version):
    """Einen älteren Datenstand wieder veröffentlichen (als neuen Stand, also selbst wieder umkehrbar)."""
    from sozialraum.store import snapshots

    snap = snapshots.rollback(_store(stadt), version)
    click.echo(f"Veröffentlicht: Stand {snap.version} ({snap.note}).")


@store.command("uebernehmen")
@click.argument("datei", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("stadt")
@click.option("--name", "label", default=None, help="Angezeigter Name der Stadt.")
def adopt(datei, stadt, label):
    """Eine einzelne DuckDB-Datei (frühere Ablage, z. B. data/sozialraum.duckdb) als Datenstand einer Stadt
    übernehmen: sozialraum store uebernehmen data/sozialraum.duckdb berlin"""
    from sozialraum.store import snapshots

    snap = snapshots.adopt(datei, _store(stadt), label=label)
    click.echo(f"Übernommen als Stand {snap.version} von {snap.store}.")


@store.command("aufraeumen")
@click.argument("stadt", required=False)
def cleanup(stadt):
    """Reste abgebrochener Importe entfernen (geschieht auch beim nächsten Import und beim Start der App)."""
    from sozialraum.store import snapshots

    removed = snapshots.cleanup(_store(stadt))
    click.echo(f"{len(removed)} Datei(en) entfernt." if removed else "Nichts aufzuräumen.")
