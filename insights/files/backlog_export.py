"""The research backlog as files: CSV for spreadsheets, Markdown for a steering group."""

from __future__ import annotations

import csv
import io
from datetime import date

from insights.rules.priority import signed
from language.text import csv_safe, escape_markdown
from vocabulary.backlog import Question


def backlog_csv(chosen: list[Question]) -> str:
    """Questions (in the order given, ranked from 1) as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "rank",
            "id",
            "question",
            "status",
            "priority",
            "votes",
            "teams",
            "impact",
            "effort",
            "decision date",
            "decision",
            "asking team",
            "tags",
            "segments",
            "confidence",
            "answer",
        ]
    )
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
