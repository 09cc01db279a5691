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


def _statuses(words: Interface) -> dict[str, str]:
    return {
        "open": words.text("open"),
        "in research": words.text("in research"),
        "answered": words.text("answered"),
        "dropped": words.text("dropped"),
    }


def _parts(words: Interface) -> dict[str, str]:
    return {
        "votes": words.text("votes"),
        "teams": words.text("teams"),
        "impact": words.text("impact"),
        "effort": words.text("effort"),
        "urgency": words.text("urgency"),
        "already known": words.text("already known"),
    }


def _signed(words: Interface, value: float) -> str:
    """A term of "why this rank" with its sign and two decimals, as the language writes it."""
    if words.code == "en":
        return signed(value)
    rounded = round(value, 2)
    return ("+" if rounded > 0 else "") + words.number(rounded, 2)


def backlog_markdown(questions: list[Question], words: Interface | None = None) -> str:
    """Questions (in the order given, ranked from 1) as Markdown in the language of `words`
    (English without); what people wrote is escaped, so a viewer of the file renders it as
    text (no images fetched, no HTML, no links)."""
    words = words or Interface()
    statuses, parts = _statuses(words), _parts(words)
    lines = [
        words.text("# Research backlog ({date})", date=words.day(date.today())),
        "",
        words.plural(
            "{count} question, highest priority first.",
            "{count} questions, highest priority first.",
            len(questions),
        ),
        "",
    ]
    for rank, q in enumerate(questions, start=1):
        cell = escape_markdown(q.text.replace("\n", " "))
        lines.append(f"## {rank}. {cell}")
        lines.append("")
        votes = words.plural("{count} vote", "{count} votes", q.votes)
        if q.teams:
            votes = words.text(
                "{votes} from {teams}", votes=votes, teams=escape_markdown(", ".join(q.teams))
            )
        lines.append(
            words.text(
                "- Status: {status}; priority {priority}; {votes}",
                status=statuses.get(q.status, q.status),
                priority=words.number(q.priority, 2),
                votes=votes,
            )
        )
        decided = (
            words.text(", decision by {date}", date=words.day(q.decision_date))
            if q.decision_date
            else ""
        )
        lines.append(
            words.text(
                "- Impact {impact}/5, effort {effort}/5{decided}",
                impact=q.impact,
                effort=q.effort,
                decided=decided,
            )
        )
        if q.decision:
            informs = escape_markdown(q.decision)
            lines.append(words.text("- Decision it informs: {decision}", decision=informs))
        if q.answer:
            lines.append(words.text("- Answer: {answer}", answer=escape_markdown(q.answer)))
        why = "; ".join(
            f"{parts.get(p.name, p.name)} {_signed(words, p.contribution)}" for p in q.explanation
        )
        lines.append(words.text("- Why this rank: {why}", why=why))
        lines.append("")
    return "\n".join(lines)
