"""The reader's costs on a long interview (issue 29), with the fake embedder (the model's time
is the import benchmark's): a 2-hour WebVTT transcript of --turns turns (default 1,200, two
speakers) imported, read back whole with its spans, a highlight made, a speaker turned into a
participant (her turns become insights in one transaction) and a span redacted, on a knowledge
base that already holds --insights other insights (default 20,000).

Targets: reading a document with its spans < 100 ms (the page's every run), a highlight and a
redaction < 2 s, the import's keeping of the document < 20 % of its time.

Usage: python benchmarks/bench_reader.py [--turns 1200] [--insights 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402

TEXT = (
    "toimitus laatikko kylmälaukku asiakaspalvelu sovellus maksu kuljettaja lasku tilaus "
    "viikko perhe ateria resepti hinta laatu myöhässä ajallaan helppo vaikea hyvä huono"
)
WORDS = TEXT.split(" ")


def transcript(turns: int) -> str:
    lines = ["WEBVTT", ""]
    for n in range(turns):
        start, end = n * 6, n * 6 + 5
        who = "Haastattelija" if n % 2 == 0 else "Osallistuja"
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(12 + n % 9))
        text = f"{words}?" if who == "Haastattelija" else f"{words.capitalize()} ja tilaus {n}."
        stamp = lambda s: f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}.000"  # noqa: E731
        lines += [str(n + 1), f"{stamp(start)} --> {stamp(end)}", f"<v {who}>{text}", ""]
    return "\n".join(lines)


def timed(label: str, action, repeat: int = 1):
    started = time.perf_counter()
    for _ in range(repeat):
        result = action()
    seconds = (time.perf_counter() - started) / repeat
    print(f"{label:<58} {seconds * 1000:9.1f} ms")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=1200)
    parser.add_argument("--insights", type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-reader-"))
    kb = KnowledgeBase.open(folder / "kb.duckdb", embedder=HashingEmbedder())
    kb.add_many(
        {"text": f"Muu havainto numero {i}: {WORDS[i % len(WORDS)]} {WORDS[i * 3 % len(WORDS)]}"}
        for i in range(args.insights)
    )
    path = folder / "pitka.vtt"
    path.write_text(transcript(args.turns), encoding="utf-8")
    (folder / "plain.txt").write_text("", encoding="utf-8")
    report, with_document = timed(
        f"import {args.turns} turns (document kept, participants only)",
        lambda: kb.imports.import_file(path, scrub_pii=False),
    )
    print(f"  {report.inserted} insights; {path.stat().st_size / 1024:.0f} KB of VTT")
    [summary] = kb.documents.documents()
    document, _ = timed(
        "read the document with its spans (each page run)",
        lambda: (kb.documents.get(summary.id), kb.documents.spans(summary.id)),
        repeat=20,
    )
    document = document[0]
    print(f"  {len(document.text):,} characters, {len(document.segments)} segments")
    turn = document.segments[3]
    words = document.text[turn.start : turn.start + 40]
    selection = {
        "document_id": document.id,
        "start": turn.start,
        "end": turn.start + len(words),
        "text": words,
    }
    timed("a highlight", lambda: kb.documents.highlight(selection, ["toimitus"]))
    timed(
        "the interviewer made a participant (turns become insights)",
        lambda: kb.documents.set_speakers(document.id, {1: (None, "participant")}),
    )
    secret = document.text.index("tilaus 7.")
    redact = {"document_id": document.id, "start": secret, "end": secret + 8, "text": "tilaus 7"}
    timed("a redaction (every place, re-index)", lambda: kb.redaction.redact(redact))
    timed("the same file again (nothing new)", lambda: kb.imports.import_file(path))
    # the document's own share of an import: reading it whole, storing text, segments, speakers
    from insights.document_import import store_document

    other = folder / "toinen.vtt"
    other.write_text(transcript(args.turns).replace("tilaus", "tilaukset"), encoding="utf-8")
    _, keeping = timed(
        "of an import: read and keep the document (no insights)",
        lambda: store_document(kb.repos.documents, other, "toinen.vtt", None, None, None, 0, None),
    )
    print(f"  {keeping / with_document:.0%} of the first import's time")
    kb.close()


if __name__ == "__main__":
    main()
