"""Load the demo dataset (data/demo/) into a knowledge base that holds no insights yet.

Usage: python -m ingest.demo [--db data/oivallus.duckdb]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from insights import InsightIn, KnowledgeBase, StudyIn
from insights.models import QuestionIn
from storage.db import default_db_path

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
        study_ids[key] = kb.create_study(StudyIn(**{k: v or None for k, v in row.items()})).id
    items = []
    for row in _read("insights.csv"):
        study = row.pop("study")
        tags = row.pop("tags")
        values = {k: v for k, v in row.items() if v}
        items.append(
            InsightIn(**values, study_id=study_ids.get(study), tags=tags.split(";") if tags else [])
        )
    count = len(kb.add_many(items, progress=progress))
    kb.wait_for_links()  # so that questions asked below find their evidence at once
    for row in _read("questions.csv"):
        voters = row.pop("voters")
        values = {k: v for k, v in row.items() if v}
        for key in ("tags", "segments"):
            values[key] = values[key].split(";") if key in values else []
        question = kb.ask(QuestionIn(**values))
        for voter in filter(None, voters.split(";")):
            name, team = voter.split(":")
            kb.vote(question.id, name, team=team)
    report = kb.import_file(DEMO_DIR / "survey.csv", by="demo")  # NPS responses, some comments
    kb.wait_for_links()
    kb.recompute_themes()
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
        print(f"\nLoaded {count} demo insights and {len(kb.studies())} studies into {args.db}.")
    finally:
        kb.close()
    return 0


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
