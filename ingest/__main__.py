"""Import files from the command line: python -m ingest FILE... --db PATH [--mapping NAME]

`--behaviour metrics|purchase|churn` imports behaviour instead of insights: metrics over time
(a date or month column, one column per metric), purchases or churned customers (a customer id
column; the ids are kept only as a keyed hash). See readers/behaviour.py.

DuckDB lets one process open the file: run this while the app is stopped (or on another file).
Exit code 0 when every file could be read (bad rows are listed), 1 otherwise. An import cut
short (Ctrl-C, a crash) resumes when the same command runs again.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from insights import KnowledgeBase
from language.embeddings import Embedder
from vocabulary.errors import PartlyImported, ReadError
from vocabulary.settings import default_db_path


def _bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    print(
        f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows",
        end="",
        file=sys.stderr,
        flush=True,
    )


def main(argv: list[str] | None = None, embedder: Embedder | None = None) -> int:
    """The command; `embedder` replaces the default model (a caller that runs the command in
    its own process with another embedder: the tests' fast fake one)."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--db", default=default_db_path(), help="DuckDB file (default: %(default)s)"
    )
    parser.add_argument("--source", default=None, help="source of the rows (default: other)")
    parser.add_argument(
        "--mapping", default=None, help="name of a mapping saved on the Import page"
    )
    parser.add_argument("--sheet", default=None, help="Excel sheet to read (default: the first)")
    parser.add_argument(
        "--by", default=getpass.getuser(), help="who imports (default: %(default)s)"
    )
    parser.add_argument(
        "--stage", default=None, help="journey stage of every row without one of its own"
    )
    parser.add_argument(
        "--behaviour",
        choices=("metrics", "purchase", "churn"),
        default=None,
        help="import behaviour (metrics over time, purchases, churn) instead of insights",
    )
    parser.add_argument("--segment", default=None, help="segment of behaviour rows without one")
    parser.add_argument("--no-scrub", action="store_true", help="keep personal data as it is")
    parser.add_argument("--no-themes", action="store_true", help="do not recompute themes after")
    args = parser.parse_args(argv)
    kb = KnowledgeBase.open(args.db, embedder=embedder)
    if args.behaviour:
        try:
            return _import_behaviour(kb, args)
        finally:
            kb.close()
    failed = inserted = 0
    try:
        for path in args.files:
            print(f"{path}:", file=sys.stderr)
            try:
                report = kb.imports.import_file(
                    path,
                    mapping=args.mapping,
                    scrub_pii=not args.no_scrub,
                    progress=_bar,
                    source=args.source,
                    by=args.by,
                    sheet=args.sheet,
                    journey_stage=args.stage,
                )
            except (ReadError, OSError) as error:
                heading = "" if isinstance(error, PartlyImported) else "not imported: "
                print(f"\n  {heading}{error}", file=sys.stderr)
                failed += 1
                continue
            inserted += report.inserted
            resumed = f", {report.resumed} stored before (resumed)" if report.resumed else ""
            print(
                f"\n  {report.inserted} inserted{resumed}, {report.duplicates} duplicates skipped, "
                f"{report.responses} survey responses, "
                f"{len(report.rejected)} rejected, {report.rows_per_second:.0f} rows/s; "
                f"personal data scrubbed: {report.pii or 'none'}"
            )
            for row in report.rejected[:20]:
                print(f"  - {row.reason}")
            if len(report.rejected) > 20:
                print(f"  ... and {len(report.rejected) - 20} more rejected rows")
        kb.wait_for_links()
        if inserted and not args.no_themes:
            print("Updating themes ...", file=sys.stderr)
            print(f"{len(kb.themes.recompute_themes())} themes", file=sys.stderr)
    finally:
        kb.close()
    return 1 if failed else 0


def _import_behaviour(kb: KnowledgeBase, args) -> int:
    failed = 0
    for path in args.files:
        try:
            report = kb.metrics.import_file(
                path,
                kind=args.behaviour,
                sheet=args.sheet,
                segment=args.segment,
                journey_stage=args.stage,
            )
        except (ReadError, OSError) as error:
            print(f"{path}: not imported: {error}", file=sys.stderr)
            failed += 1
            continue
        print(
            f"{path}: {report.stored} values stored from {report.rows} rows "
            f"({', '.join(report.metrics) or args.behaviour}), {len(report.rejected)} rejected, "
            f"{report.rows_per_second:.0f} rows/s"
        )
        for row in report.rejected[:20]:
            print(f"  - line {row.line}: {row.reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
