"""Benchmark: the demo report (pages, size, seconds) and the data exports on the demo city.

Run: ``.venv/bin/python bench/bench_report.py [--keep DIR]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, default=None, help="write the report and exports to this folder")
    args = parser.parse_args()

    from sozialraum.demo import build_demo_db
    from sozialraum.export.data_export import FORMATS, WHAT, export_data
    from sozialraum.export.report import build_report
    from sozialraum.store import connect

    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = Path(tmp) / "demo.duckdb"
        t = time.perf_counter()
        build_demo_db(db)
        print(f"demo store built in {time.perf_counter() - t:.1f} s")
        con = connect(db, read_only=True)
        con.execute("SET enable_progress_bar = false")
        phases: list[tuple[float, str]] = []
        start = time.perf_counter()
        result = build_report(con, folder / "bericht_musterstadt.pdf",
                              progress=lambda f, m: phases.append((time.perf_counter() - start, m)))
        print(f"report: {result.pages} pages, {result.size_bytes / 1024:.0f} KB, {result.seconds:.1f} s "
              f"(level {result.level}, period {result.period}, profiles {', '.join(result.areas)})")
        for (t0, m), (t1, _) in zip(phases, phases[1:] + [(result.seconds, "")]):
            print(f"  {t1 - t0:5.1f} s  {m}")
        for what in WHAT:
            for fmt in FORMATS:
                t = time.perf_counter()
                path = export_data(con, what, fmt, folder / f"{what}.{fmt}")
                print(f"export {what:10s} {fmt:4s}: {path.stat().st_size / 1024:6.0f} KB "
                      f"{time.perf_counter() - t:5.2f} s")
        con.close()


if __name__ == "__main__":
    main()
