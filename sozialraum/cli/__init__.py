"""The ``sozialraum`` command. Subcommands live in their own modules and are imported only when used."""

from __future__ import annotations

import importlib
import sys

import click

# name -> "module:function"; each module imports its heavy libraries inside the command.
SUBCOMMANDS: dict[str, str] = {
    "demo": "sozialraum.cli.demo_cmd:demo",
    "store": "sozialraum.cli.store_cmd:store",
    "recipe": "sozialraum.cli.import_cmd:recipe",
    "import-areas": "sozialraum.cli.import_cmd:import_areas",
    "import-stats": "sozialraum.cli.import_cmd:import_stats",
    "import-points": "sozialraum.cli.import_cmd:import_points",
    "list": "sozialraum.cli.import_cmd:list_store",
    "need-index": "sozialraum.cli.need_cmd:need_index",
    "hotspots": "sozialraum.cli.need_cmd:hotspots",
    "site": "sozialraum.cli.site_cmd:site",
    "network": "sozialraum.cli.network_cmd:network",
    "travel-matrix": "sozialraum.cli.network_cmd:travel_matrix",
    "rota": "sozialraum.cli.rota_cmd:rota",
    "report": "sozialraum.cli.export_cmd:report",
    "export": "sozialraum.cli.export_cmd:export",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name in SUBCOMMANDS if self._load(name, quiet=True) is not None)

    def get_command(self, ctx, name):
        return self._load(name)

    @staticmethod
    def _load(name: str, quiet: bool = False):
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            if quiet:
                return None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sozialraum")
def cli():
    """Sozialraum-Dashboard auf der Kommandozeile: Daten einlesen, Bedarf berechnen, Standorte planen,
    Berichte erzeugen.

    Jede Stadt hat einen Datenordner (data/<stadt>, --db); die fiktive Musterstadt liegt in data/musterstadt.
    """


def main(argv: list[str] | None = None) -> int:
    """Run the command; every error a planner can cause is printed in German without a traceback (exit 2).

    ``SOZIALRAUM_DEBUG=1`` shows the traceback of an unexpected error.
    """
    import csv
    import os

    from sozialraum.errors import InputError, SolverError
    from sozialraum.io.plausibility import PlausibilityWarning

    try:
        cli.main(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except PlausibilityWarning as exc:
        click.echo(f"Zweifelhafte Werte – nichts wurde geschrieben:\n{exc}", err=True)
        click.echo("Prüfen Sie die Werte. Stimmen sie, den Befehl mit --bestaetigen wiederholen; sie werden dann "
                   "als „unsicher“ markiert.", err=True)
        return 2
    except (InputError, SolverError, FileNotFoundError) as exc:
        click.echo(f"Fehler: {exc}", err=True)
        return 2
    except csv.Error as exc:
        click.echo(f"Fehler: die CSV-Datei kann nicht gelesen werden ({exc}).", err=True)
        return 2
    except Exception as exc:  # the last line of defence: no traceback for a planner
        if os.environ.get("SOZIALRAUM_DEBUG"):
            raise
        from sozialraum.store.errors import store_error_message

        message = store_error_message(exc)
        if message is None:
            message = (f"Unerwarteter Fehler ({type(exc).__name__}: {exc}). Mit SOZIALRAUM_DEBUG=1 wird die "
                       "technische Fehlermeldung vollständig angezeigt.")
        click.echo(f"Fehler: {message}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
