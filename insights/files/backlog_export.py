"""The research backlog as files: CSV for spreadsheets, Markdown for a steering group."""

from __future__ import annotations

import csv
import io
from datetime import date

from insights.rules.priority import signed
from language.interface import Interface
from language.text import csv_safe, escape_markdown
from vocabulary.backlog import Question


def backlog_headers(words: Interface) -> list[str]:
    """The backlog CSV's column headers in a language (English: as they always were)."""
    return [
        words.text("rank"),
        words.text("id"),
        words.text("question"),
        words.text("status"),
        words.text("priority"),
        words.text("votes"),
        words.text("teams"),
        words.text("impact"),
        words.text("effort"),
        words.text("decision date"),
        words.text("decision"),
        words.text("asking team"),
        words.text("tags"),
        words.text("segments"),
        words.text("confidence"),
        words.text("answer"),
    ]


def backlog_csv(chosen: list[Question], words: Interface | None = None) -> str:
    """Questions (in the order given, ranked from 1) as CSV text, its headers in the language
    of `words` (English without); the cells are as stored."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(backlog_headers(words or Interface()))
    for rank, q in enumerate(chosen, start=1):
        row = [
            rank,
            q.id,
            q.text,
            q.status,
            q.priority,
            q.votes,
            "; ".join(q.teams),
            q.impact,
            q.effort,
            q.decision_date or "",
            q.decision or "",
            q.team or "",
            "; ".join(q.tags),
            "; ".join(q.segments),
            round(q.confidence, 2),
            q.answer or "",
        ]
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


def backlog_markdown(questions: list[Question]) -> str:
    """Questions (in the order given, ranked from 1) as Markdown; what people wrote is escaped,
    so a viewer of the file renders it as text (no images fetched, no HTML, no links)."""
    lines = [
        f"# Research backlog ({date.today().isoformat()})",
        "",
        f"{len(questions)} questions, highest priority first.",
        "",
    ]
    for rank, q in enumerate(questions, start=1):
        cell = escape_markdown(q.text.replace("\n", " "))
        lines.append(f"## {rank}. {cell}")
        lines.append("")
        lines.append(
            f"- Status: {q.status}; priority {q.priority:.2f}; {q.votes} votes"
            + (f" from {escape_markdown(', '.join(q.teams))}" if q.teams else "")
        )
        lines.append(
            f"- Impact {q.impact}/5, effort {q.effort}/5"
            + (f", decision by {q.decision_date}" if q.decision_date else "")
        )
        if q.decision:
            lines.append(f"- Decision it informs: {escape_markdown(q.decision)}")
        if q.answer:
            lines.append(f"- Answer: {escape_markdown(q.answer)}")
        lines.append(
            "- Why this rank: "
            + "; ".join(f"{p.name} {signed(p.contribution)}" for p in q.explanation)
        )
        lines.append("")
    return "\n".join(lines)
