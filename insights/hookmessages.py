"""What a webhook delivery says: the JSON event for a program, a Slack message or a Teams
Adaptive Card, in the hook's language, with a link back to the app.

The body is built when it is sent, from what is stored then (a delivery keeps only ids): an
insight deleted or erased meanwhile is sent as its id alone.
"""

from __future__ import annotations

import json
from datetime import datetime

from language.interface import Interface
from vocabulary.webhooks import Event, HookKind

SHOWN_CHARS = 300  # of an insight's or an answer's text in a chat message


def link(base: str, event: str, subject: dict) -> str:
    """The app's page for what an event is about ('' without a base address)."""
    if not base:
        return ""
    base = base.rstrip("/")
    if event == Event.insight_added:
        return f"{base}/insight?insight={subject['insight_id']}"
    if event == Event.import_finished:
        return f"{base}/import"
    return f"{base}/backlog?question={subject['question_id']}"


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def headline(words: Interface, event: str, facts: dict) -> str:
    """One line saying what happened, in the hook's language."""
    if event == Event.insight_added:
        return words.text(
            "New insight: {title}", title=facts.get("title") or "#" + str(facts["id"])
        )
    if event == Event.question_asked:
        return words.text("New question in the backlog: {text}", text=_short(facts.get("text")))
    if event == Event.question_answered:
        return words.text("A question was answered: {text}", text=_short(facts.get("text")))
    if event == Event.evidence_added:
        return words.text("New evidence for the question: {text}", text=_short(facts.get("text")))
    return words.plural(
        "Import of {file} finished: {count} new insight",
        "Import of {file} finished: {count} new insights",
        int(facts.get("inserted") or 0),
        file=facts.get("file", ""),
    )


def detail(words: Interface, event: str, facts: dict) -> str:
    """The text under the headline (may be empty)."""
    if event == Event.insight_added:
        return _short(facts.get("text"))
    if event == Event.question_answered:
        return words.text("Answer: {answer}", answer=_short(facts.get("answer")))
    if event == Event.evidence_added and facts.get("insight_title"):
        return words.text("Evidence: {title}", title=facts["insight_title"])
    return ""


def body(
    kind: str, language: str, event_id: str, event: str, at: datetime, facts: dict, url: str
) -> bytes:
    """The bytes a hook of `kind` is sent."""
    words = Interface(language)
    if kind == HookKind.json:
        data = {"id": event_id, "type": event, "created_at": at.isoformat(), "data": facts}
        if url:
            data["url"] = url
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    title, more = headline(words, event, facts), detail(words, event, facts)
    opening = words.text("Open in Oivallus")
    if kind == HookKind.slack:
        lines = [f"*{title}*"] + ([more] if more else []) + ([f"<{url}|{opening}>"] if url else [])
        return json.dumps({"text": "\n".join(lines)}, ensure_ascii=False).encode("utf-8")
    blocks: list[dict] = [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}]
    if more:
        blocks.append({"type": "TextBlock", "text": more, "wrap": True})
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": blocks,
    }
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": opening, "url": url}]
    message = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }
    return json.dumps(message, ensure_ascii=False).encode("utf-8")
