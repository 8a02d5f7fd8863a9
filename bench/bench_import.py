"""Time the Berlin recipe and the national import (10,997 Gemeinden) into temporary databases.

    .venv/bin/python bench/bench_import.py [--data-dir ../shared/reference]

Prints seconds for reading/validating, writing, and in total, plus the rows written. No asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench(recipe: Path, data_dir: Path) -> None:
    from sozialraum.io.recipe import read_recipe, write_parts
    from sozialraum.store import connect

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        con = connect(Path(tmp) / "bench.duckdb")
        t1 = time.perf_counter()
        parts = read_recipe(con, recipe, data_dir)
        t2 = time.perf_counter()
        counts = write_parts(con, parts)
        t3 = time.perf_counter()
        rows = {}
        for c in counts:
            for k, v in c.items():
                rows[k] = rows.get(k, 0) + v
        derived = con.execute("SELECT count(*) FROM observations WHERE derived").fetchone()[0]
        con.close()
    print(f"{recipe.name}: öffnen {t1 - t0:.2f} s, lesen+prüfen {t2 - t1:.2f} s, schreiben {t3 - t2:.2f} s, "
          f"gesamt {t3 - t0:.2f} s")
    print("  Zeilen: " + ", ".join(f"{k} {_de(v)}" for k, v in rows.items())
          + f", abgeleitete Kennzahlen {_de(derived)}")


def _de(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "reference")
    args = ap.parse_args()
    if not args.data_dir.is_dir():
        sys.exit(f"Referenzdaten fehlen: {args.data_dir}")
    for name in ["berlin.toml", "deutschland.toml"]:
        bench(ROOT / "recipes" / name, args.data_dir)


if __name__ == "__main__":
    main()
