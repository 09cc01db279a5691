"""Weekly digests per person and per team: new insights in the segments and themes they follow,
questions they voted for (or follow) that got evidence or an answer, and the KPI change."""

from __future__ import annotations

import html
from datetime import date, timedelta

from pydantic import BaseModel

from insights.rules.kpis import Kpi


class Digest(BaseModel):
    """One digest, as Markdown and as HTML."""

    recipient: str
    start: date
    end: date
    markdown: str
    html: str
    items: int  # how many things it reports (0: nothing new to say)


def _since(stamp, start: date) -> bool:
    return stamp is not None and stamp.date() >= start


def build_digest(
    kb, username: str | None = None, team: str | None = None, end: date | None = None, days: int = 7
) -> Digest:
    """The digest of the `days` up to `end` for a person (their follows and votes) or a team
    (the follows and votes of its members)."""
    end = end or date.today()
    start = end - timedelta(days=days - 1)
    people = (
        [kb.people.user(username)] if username else [u for u in kb.people.users() if u.team == team]
    )
    follows = {f for person in people for f in kb.people.follows(person.username)}
    names = {p.username for p in people}
    sections: list[tuple[str, list[str]]] = []

    segments = sorted(t for k, t in follows if k == "segment")
    for segment in segments:
        new = [i for i in kb.insights.newest(50, segment) if _since(i.created_at, start)]
        sections.append((f"New in segment {segment}", [i.title or i.text[:140] for i in new]))
    themes = {t.id: t for t in kb.themes.all()}
    for kind, target in sorted(follows):
        if kind == "theme" and target.isdigit() and int(target) in themes:
            theme = themes[int(target)]
            fresh = [
                i
                for i in kb.insights.insights_by_id(theme.insight_ids)
                if _since(i.created_at, start)
            ]
            sections.append(
                (f"New in theme {theme.label}", [i.title or i.text[:140] for i in fresh])
            )
    followed = {int(t) for k, t in follows if k == "question" and t.isdigit()}
    followed |= {q for name in names for q in kb.backlog.my_votes(name)}
    lines = []
    for question in kb.backlog.questions():
        if question.id not in followed:
            continue
        if question.status == "answered" and _since(question.updated_at, start):
            lines.append(f"Answered: {question.text} — {question.answer or ''}".strip(" —"))
        elif question.new_evidence:
            lines.append(f"{question.new_evidence} new insights may answer: {question.text}")
    sections.append(("Questions you follow or voted for", lines))
    change = kb.analysis.kpi_change("nps", start, end)
    sections.append(
        ("NPS", [_kpi_line(change.current, change.previous)] if change.current.n else [])
    )

    recipient = people[0].display_name if username else f"team {team}"
    title = f"Oivallus digest for {recipient}, {start:%d.%m.}–{end:%d.%m.%Y}"
    items = sum(len(lines) for _, lines in sections)
    markdown = [f"# {title}", ""]
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, lines in sections:
        if not lines:
            continue
        markdown += [f"## {heading}", *[f"- {line}" for line in lines[:20]], ""]
        body += [
            f"<h2>{html.escape(heading)}</h2>",
            "<ul>",
            *[f"<li>{html.escape(line)}</li>" for line in lines[:20]],
            "</ul>",
        ]
    if not items:
        markdown.append("Nothing new this week in what you follow.")
        body.append("<p>Nothing new this week in what you follow.</p>")
    return Digest(
        recipient=recipient,
        start=start,
        end=end,
        markdown="\n".join(markdown),
        html="<!doctype html><meta charset='utf-8'>" + "\n".join(body),
        items=items,
    )


def _kpi_line(current: Kpi, before: Kpi) -> str:
    line = f"NPS {current.score:.0f} ± {current.margin:.0f} from {current.n} responses"
    if before.n and before.score is not None:
        line += f" (the week before: {before.score:.0f}, {before.n} responses)"
    return line
