"""Person names on import: false positives on ordinary Finnish sentences and scrub speed.

python -m benchmarks.pii_names     (reads ../shared/evaldata/eduskunta_vkk_fi)
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from language import person_names
from readers.pii import scrub

EVALDATA = Path(__file__).resolve().parents[2] / "shared" / "evaldata"


def main() -> None:
    """Print the false-positive rate and words per second (cold and warm word cache)."""
    rows = []
    for split in ("dev", "test"):
        with open(EVALDATA / "eduskunta_vkk_fi" / f"{split}.csv", encoding="utf-8") as handle:
            rows += [r["sentence"] for r in csv.DictReader(handle)]
    plain = [
        s
        for s in rows
        if not any(
            person_names.capitalised(w.text) and not w.at_start for w in person_names.words(s)
        )
    ]
    words = sum(len(person_names.words(s)) for s in rows)
    for label in ("cold", "warm"):
        started = time.perf_counter()
        for sentence in rows:
            scrub(sentence)
        seconds = time.perf_counter() - started
        print(f"scrub ({label} cache): {words / seconds:,.0f} words/s over {words:,} words")
    plain_words = sum(len(person_names.words(s)) for s in plain)
    lost = sum(scrub(s, language="fi")[1]["name"] for s in plain)
    print(
        f"sentences without mid-sentence capitals: {len(plain):,}, {plain_words:,} words, "
        f"{lost} scrubbed as names ({lost / plain_words:.4%})"
    )


if __name__ == "__main__":
    main()
