"""Load the demo dataset (data/demo/) into a knowledge base that holds no insights yet.

Usage: python -m ingest.demo [--db data/oivallus.duckdb]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from insights import InsightIn, KnowledgeBase, StudyIn
from vocabulary.backlog import QuestionIn
from vocabulary.settings import default_db_path

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"


def _read(name: str) -> list[dict[str, str]]:
    with open(DEMO_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_demo(kb: KnowledgeBase, progress=None) -> int:
    """Add the demo studies, insights, backlog questions and an NPS survey, then compute themes;
    returns how many insights."""
    study_ids = {}
    for row in _read("studies.csv"):
        key = row.pop("key")
        given = StudyIn.model_validate({k: v or None for k, v in row.items()})
        study_ids[key] = kb.catalog.create_study(given).id
    items = []
    for row in _read("insights.csv"):
        study = row.pop("study")
        tags = row.pop("tags")
        values: dict[str, object] = {k: v for k, v in row.items() if v}
        values |= {"study_id": study_ids.get(study), "tags": tags.split(";") if tags else []}
        items.append(InsightIn.model_validate(values))
    count = len(kb.add_many(items, progress=progress))
    kb.wait_for_links()  # so that questions asked below find their evidence at once
    for row in _read("questions.csv"):
        voters = row.pop("voters")
        asked: dict[str, object] = {k: v for k, v in row.items() if v}
        for key in ("tags", "segments"):
            asked[key] = row[key].split(";") if row.get(key) else []
        question = kb.backlog.ask(QuestionIn.model_validate(asked))
        for voter in filter(None, voters.split(";")):
            name, team = voter.split(":")
            kb.backlog.vote(question.id, name, team=team)
    report = kb.imports.import_file(
        DEMO_DIR / "survey.csv", by="demo"
    )  # NPS responses, some comments
    # What customers did: per month and segment, customers at each journey stage, visits,
    # orders and revenue; the Overview shows orders and revenue against their targets.
    kb.metrics.import_file(DEMO_DIR / "behaviour.csv")
    for name, unit, target in (
        ("customers", "customers", None),
        ("visits", "visits", None),
        ("orders", "orders", 4500),
        ("revenue", "€", 220_000),
    ):
        kb.metrics.define(name, unit, "higher", target)
    for name in ("orders", "revenue"):
        kb.metrics.show_on_overview(name)
    kb.wait_for_links()
    kb.themes.recompute_themes()
    return count + report.inserted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default=default_db_path(), help="DuckDB file (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    kb = KnowledgeBase.open(
        args.db,
        progress=lambda done, total: print(
            f"\rre-embedding stored insights for the model in use: {done}/{total}",
            end="\n" if done == total else "",
            file=sys.stderr,
        ),
    )
    try:
        if kb.count():
            print(f"{args.db} already holds {kb.count()} insights; demo data not loaded.")
            return 0
        count = load_demo(
            kb,
            progress=lambda done, total: print(
                f"\rembedding {done}/{total}", end="", file=sys.stderr
            ),
        )
        studies = len(kb.catalog.studies())
        print(f"\nLoaded {count} demo insights and {studies} studies into {args.db}.")
    finally:
        kb.close()
    return 0


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
