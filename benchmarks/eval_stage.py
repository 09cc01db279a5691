"""Journey-stage suggestions (insights/rules/stages.py): how often an off-topic sentence gets a
stage, and how often and how rightly an insight of the demo data does with its own stage hidden.

Off-topic: parliament sentences (eduskunta_vkk_fi test) and sib200 sentences (Finnish, English),
each searched among the 158 staged demo insights. On-topic: each demo insight against the
others (leave one out). Prints the shares for several floors of the fused score (the product
uses language/pairs.py STAGE_NEIGHBOUR). Needs the real model and ../shared/evaldata.

Usage: python benchmarks/eval_stage.py [--sample 150]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.demo import DEMO_DIR  # noqa: E402
from insights import InsightIn, KnowledgeBase, SearchFilters  # noqa: E402
from insights.rules import stages as rule  # noqa: E402
from language.bilingual import default_embedder  # noqa: E402

EVALDATA = ROOT.parent / "shared" / "evaldata"
OFF_TOPIC = {
    "parliament (fi)": ("eduskunta_vkk_fi/test.csv", "sentence"),
    "sib200 fi": ("sib200_train/fin_Latn.csv", "text"),
    "sib200 en": ("sib200_train/eng_Latn.csv", "text"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=150, help="off-topic sentences per set")
    args = parser.parse_args()
    random.seed(1)
    with tempfile.TemporaryDirectory() as folder:
        kb = KnowledgeBase.open(Path(folder) / "stages.duckdb", embedder=default_embedder())
        with open(DEMO_DIR / "insights.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        kb.add_many(
            [
                InsightIn.model_validate(
                    {k: v for k, v in r.items() if v and k not in ("study", "tags")}
                )
                for r in rows
            ]
        )
        staged = SearchFilters(
            journey_stage=[s for s in kb.insights.filter_values("journey_stage")]
        )

        def hits(text: str, exclude: int | None = None) -> list:
            found = kb.insights.search(text, k=8, filters=staged)
            return [h for h in found if h.insight_id != exclude]

        off = {}
        for name, (file, column) in OFF_TOPIC.items():
            with open(EVALDATA / file, encoding="utf-8", newline="") as handle:
                texts = [r[column] for r in csv.DictReader(handle)]
            off[name] = [hits(t) for t in random.sample(texts, min(args.sample, len(texts)))]
        demo = [(i.journey_stage, hits(i.text, i.id)) for i in kb.insights.browse(limit=1000)[0]]
        kb.close()
    for floor in (0.0, 0.2, 0.25, 0.27, 0.3, 0.35):
        with mock.patch.object(rule, "STAGE_NEIGHBOUR", floor):
            shares = {
                name: sum(rule.suggested_stage(h) is not None for h in found) / len(found)
                for name, found in off.items()
            }
            guesses = [(stage, rule.suggested_stage(h)) for stage, h in demo]
        given = [(stage, g[0]) for stage, g in guesses if g is not None]
        right = sum(stage == guess for stage, guess in given) / max(1, len(given))
        print(
            f"floor {floor:.2f}: off-topic with a stage "
            + ", ".join(f"{name} {share:.0%}" for name, share in shares.items())
            + f"; demo insights with a stage {len(given) / len(demo):.0%}, right {right:.0%}"
        )


if __name__ == "__main__":
    main()
