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
    return chat(kind, title, [(more, "")] if more else [], url, words.text("Open in Oivallus"))


def _slack(text: str) -> str:
    """Words as Slack shows them and nothing more: `<!channel>`, `<https://...|label>` and
    `<@U123>` in an insight or a question are sent as text (Slack's own escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat(kind: str, title: str, lines: list[tuple[str, str]], url: str, opening: str) -> bytes:
    """A Slack message or a Teams Adaptive Card: a bold title, `lines` of (text, its own link
    or ""), and a button (Teams) or link (Slack) named `opening` to `url` (none without)."""
    if kind == HookKind.slack:
        shown = [
            f"{_slack(text)} <{link}|{opening}>" if link else _slack(text) for text, link in lines
        ]
        shown = [f"*{_slack(title)}*", *shown] + ([f"<{url}|{opening}>"] if url else [])
        return json.dumps({"text": "\n".join(shown)}, ensure_ascii=False).encode("utf-8")
    # RichTextBlock's text runs are shown as written: Markdown in an insight or a question
    # ("[Open in Oivallus](https://elsewhere)", "**...**") stays text, as TextBlock would not.
    blocks: list[dict] = [_rich({"type": "TextRun", "text": title, "weight": "Bolder"})]
    for text, link in lines:
        runs: list[dict] = [{"type": "TextRun", "text": text}]
        if link:
            opens = {"type": "Action.OpenUrl", "url": link}
            runs.append({"type": "TextRun", "text": f" {opening}", "selectAction": opens})
        blocks.append(_rich(*runs))
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


def _rich(*runs: dict) -> dict:
    return {"type": "RichTextBlock", "inlines": list(runs)}


# --- a person's own chat: their "For you" items (insights/personal_chat.py) -----------------

FOR_YOU_ITEM = "foryou.item"  # one new item of a person's "For you" list
FOR_YOU_SUMMARY = "foryou.summary"  # the day's new items in one message
FOR_YOU_TEST = "foryou.test"  # "Send a test message"
SUMMARY_ITEMS = 15  # items listed in a summary; the rest are counted


def item_line(words: Interface, item: dict) -> str:
    """One "For you" item in the person's language, as the For you page words it."""
    about = _short(item.get("about"))
    if item["kind"] == "evidence":
        return words.text("New evidence may answer: {question}", question=about)
    if item["kind"] == "answer":
        return words.text("Answered: {question}", question=about)
    if item["kind"] == "theme":
        return words.text("New in the theme {theme}", theme=about)
    return words.text("New in the segment {segment}", segment=about)


def item_link(base: str, item: dict) -> str:
    """The page of an item: its insight, else its question ('' without a base address)."""
    if item.get("insight_id"):
        return link(base, Event.insight_added, {"insight_id": item["insight_id"]})
    return link(base, Event.question_asked, {"question_id": item["question_id"]})


def for_you_body(
    kind: str, language: str, event: str, subject: dict, titles: dict[int, str], base: str
) -> bytes:
    """A person's chat message: one item, the day's summary or the test, with links back.
    `titles`: the titles of the insights the items name, read when sending."""
    words = Interface(language)
    opening = words.text("Open in Oivallus")
    home = base.rstrip("/") + "/for_you" if base else ""

    def lines(item: dict) -> list[tuple[str, str]]:
        title = titles.get(item.get("insight_id") or 0)
        return [(item_line(words, item), "" if title else item_link(base, item))] + (
            [(_short(title), item_link(base, item))] if title else []
        )

    if event == FOR_YOU_TEST:
        title = words.text("Oivallus is connected: your For you items come to this chat.")
        return chat(kind, title, [], home, opening)
    if event == FOR_YOU_ITEM:
        return chat(kind, words.text("For you"), lines(subject), "", opening)
    items = subject.get("items", [])
    count = int(subject.get("count", len(items)))
    title = words.plural("For you: {count} new item", "For you: {count} new items", count)
    shown = [line for item in items[:SUMMARY_ITEMS] for line in lines(item)]
    if count > SUMMARY_ITEMS:
        more = count - SUMMARY_ITEMS
        shown.append((words.plural("and {count} more item", "and {count} more items", more), ""))
    return chat(kind, title, shown, home, opening)
