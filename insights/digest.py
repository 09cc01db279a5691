"""Weekly digests per person and per team: new insights in the segments and themes they follow,
questions they voted for (or follow) that got evidence or an answer, the KPI change, and for a
person how many of their own notes were used that week (`kb.notes.week`).

A digest is written in its reader's language: the person's own (their account), else the
server's ($OIVALLUS_LANGUAGE), else English; a team's in the server's."""

from __future__ import annotations

import html
from datetime import date, timedelta

from pydantic import BaseModel

from insights.rules.kpis import Kpi
from language.interface import Interface, supported
from vocabulary import settings


class Digest(BaseModel):
    """One digest, as Markdown and as HTML."""

    recipient: str
    language: str = "en"  # the language it is written in
    subject: str = ""  # an e-mail's subject line (its title)
    start: date
    end: date
    markdown: str
    html: str
    items: int  # how many things it reports (0: nothing new to say)


def _since(stamp, start: date) -> bool:
    return stamp is not None and stamp.date() >= start


def digest_language(user=None) -> str:
    """The language of a digest: its reader's own, else the server's, else English."""
    own = getattr(user, "language", None)
    return supported(own) or supported(settings.current().language) or "en"


def build_digest(
    kb, username: str | None = None, team: str | None = None, end: date | None = None, days: int = 7
) -> Digest:
    """The digest of the `days` up to `end` for a person (their follows and votes) or a team
    (the follows and votes of its members), in its reader's language (`digest_language`)."""
    end = end or date.today()
    start = end - timedelta(days=days - 1)
    people = (
        [kb.people.user(username)] if username else [u for u in kb.people.users() if u.team == team]
    )
    words = Interface(digest_language(people[0] if username else None))
    follows = {f for person in people for f in kb.people.follows(person.username)}
    names = {p.username for p in people}
    sections: list[tuple[str, list[str]]] = []

    segments = sorted(t for k, t in follows if k == "segment")
    for segment in segments:
        new = [i for i in kb.insights.newest(50, segment) if _since(i.created_at, start)]
        sections.append(
            (
                words.text("New in segment {segment}", segment=segment),
                [i.title or i.text[:140] for i in new],
            )
        )
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
                (
                    words.text("New in theme {theme}", theme=theme.label),
                    [i.title or i.text[:140] for i in fresh],
                )
            )
    followed = {int(t) for k, t in follows if k == "question" and t.isdigit()}
    followed |= {q for name in names for q in kb.backlog.my_votes(name)}
    lines = []
    for question in kb.backlog.questions():
        if question.id not in followed:
            continue
        if question.status == "answered" and _since(question.updated_at, start):
            if question.answer:
                lines.append(
                    words.text(
                        "Answered: {question} — {answer}",
                        question=question.text,
                        answer=question.answer,
                    )
                )
            else:
                lines.append(words.text("Answered: {question}", question=question.text))
        elif question.new_evidence:
            lines.append(
                words.plural(
                    "{count} new insight may answer: {question}",
                    "{count} new insights may answer: {question}",
                    question.new_evidence,
                    question=question.text,
                )
            )
    sections.append((words.text("Questions you follow or voted for"), lines))
    if username:
        sections.append((words.text("Your notes"), _notes_lines(kb, words, username, start, end)))
    change = kb.analysis.kpi_change("nps", start, end)
    sections.append(
        ("NPS", [_kpi_line(words, change.current, change.previous)] if change.current.n else [])
    )

    recipient = people[0].display_name if username else words.text("team {team}", team=team)
    title = words.text(
        "Oivallus digest for {recipient}, {start}–{end}",
        recipient=recipient,
        start=words.day(start),
        end=words.day(end),
    )
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
        quiet = words.text("Nothing new this week in what you follow.")
        markdown.append(quiet)
        body.append(f"<p>{html.escape(quiet)}</p>")
    return Digest(
        recipient=recipient,
        language=words.code,
        subject=title,
        start=start,
        end=end,
        markdown="\n".join(markdown),
        html=f"<!doctype html><html lang='{words.code}'><meta charset='utf-8'>" + "\n".join(body),
        items=items,
    )


def _kpi_line(words: Interface, current: Kpi, before: Kpi) -> str:
    line = words.plural(
        "NPS {score} ± {margin} from {count} response",
        "NPS {score} ± {margin} from {count} responses",
        current.n,
        score=words.number(current.score or 0, 0),
        margin=words.number(current.margin or 0, 0),
    )
    if before.n and before.score is not None:
        line += " " + words.plural(
            "(the week before: {score}, {count} response)",
            "(the week before: {score}, {count} responses)",
            before.n,
            score=words.number(before.score, 0),
        )
    return line


def _notes_lines(kb, words: Interface, username: str, start: date, end: date) -> list[str]:
    """ "3 of your notes were used this week: ..." when any were (kb.notes.week)."""
    week = kb.notes.week(username, start, end)
    if not week.used:
        return []
    parts = [
        words.plural(
            "{count} linked to other insights", "{count} linked to other insights", week.linked
        )
        if week.linked
        else "",
        words.plural(
            "{count} as evidence for a question",
            "{count} as evidence for questions",
            week.evidence,
        )
        if week.evidence
        else "",
        words.plural("{count} in a rising theme", "{count} in rising themes", week.rising)
        if week.rising
        else "",
    ]
    used = words.plural(
        "{count} of your notes was used this week",
        "{count} of your notes were used this week",
        week.used,
    )
    return [used + ": " + ", ".join(p for p in parts if p) + "."]
