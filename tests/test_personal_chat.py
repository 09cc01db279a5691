# ruff: noqa: F811 - `receiver` is the loopback receiver fixture of tests/test_webhooks.py
"""A person's own chat (insights/personal_chat.py): their "For you" items to their Slack or
Teams incoming webhook, each new item or a daily summary, in their language with links back,
never twice; the hostile cases (a private address, plain http, someone else's chat); and the
"Send these to my chat" section of the For you page in English and Finnish. On DuckDB and
PostgreSQL, to a receiver on loopback (the tests-only allowances of tests/test_webhooks.py)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest

from insights import KnowledgeBase
from insights.personal_chat import DAILY_HOUR
from tests.conftest import add_people
from tests.doubles import HashingEmbedder
from tests.test_webhooks import receiver  # noqa: F401 - the loopback receiver fixture
from vocabulary.errors import InvalidInput, NotFound
from vocabulary.knowledge import now

BASE_URL = "https://oivallus.example.com"


@pytest.fixture
def base(store):
    opened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    add_people(opened)
    opened.core.outbox.allow_http_for_tests = True
    opened.core.outbox.allow_private_for_tests = True
    yield opened
    opened.close()


def as_person(base, username: str):
    view = base.acting_as(base.people.user(username))
    view.webhooks.base_url = BASE_URL
    return view


def following_smb(base, username: str = "vera"):
    """`username` follows the segment SMB (since an hour ago) and has set Finnish."""
    view = as_person(base, username)
    view.people.follow("segment", "SMB")
    view.people.set_language("fi")
    with base.db.transaction() as cur:  # the follow an hour old: new insights count at once
        cur.execute("UPDATE follows SET created_at = created_at - INTERVAL '1 hour'")
    return as_person(base, username)


def send_due(base, view, at=None) -> int:
    """The worker's pass: queue people's new items, then send what is due."""
    at = at or now() + timedelta(seconds=2)
    queued = view.chat.queue_due(at)
    view.webhooks.deliver_due(at + timedelta(seconds=1))
    return queued


def messages(receiver) -> list[str]:
    return [json.loads(data)["text"] for _, data in receiver.got]


def test_each_new_item_goes_to_the_persons_chat_once_in_their_language(base, receiver):
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "slack", "cadence": "each"})
    first = base.add({"text": "Parcel lockers are full every Friday.", "segment": "SMB"})
    base.add({"text": "Enterprise buyers want invoices.", "segment": "Enterprise"})
    assert send_due(base, vera) == 1
    assert send_due(base, vera) == 0  # nothing twice
    [text] = messages(receiver)
    assert text.startswith("*Sinulle*") and "Uutta segmentissä SMB" in text
    assert "Parcel lockers are full every Friday." in text
    assert f"{BASE_URL}/insight?insight={first.insight.id}|Avaa Oivalluksessa" in text
    # insights are stamped to the second, and the worker passes over the second it runs in:
    # as the worker would, this pass comes after the second of the first add
    later = now().replace(microsecond=0) + timedelta(seconds=1)
    time.sleep(max(0.0, (later - datetime.now()).total_seconds()))
    second = base.add({"text": "Lockers break down in the cold.", "segment": "SMB"})
    assert send_due(base, vera) == 1
    assert f"insight={second.insight.id}" in messages(receiver)[-1]
    assert [d.state for d in vera.chat.deliveries()] == ["delivered", "delivered"]


def test_the_items_are_those_of_the_for_you_page(base, receiver):
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "teams", "cadence": "each"})
    for n in range(3):
        base.add({"text": f"Locker note number {n} from the SMB segment.", "segment": "SMB"})
    send_due(base, vera)
    page = {i.insight_id for i in vera.inbox.for_you()}
    cards = [json.loads(data)["attachments"][0]["content"] for _, data in receiver.got]
    links = [c["body"][-1]["inlines"][-1]["selectAction"]["url"] for c in cards]
    sent = {int(url.split("insight=")[1]) for url in links}
    assert sent == page and len(cards) == 3


def test_a_daily_summary_once_a_day_from_the_morning(base, receiver):
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "slack", "cadence": "daily"})
    for n in range(3):
        base.add({"text": f"Saturday queue note number {n}.", "segment": "SMB"})
    tomorrow = datetime.combine(now().date() + timedelta(days=1), datetime.min.time())
    assert send_due(base, vera, tomorrow.replace(hour=DAILY_HOUR - 1)) == 0  # not before
    assert send_due(base, vera, tomorrow.replace(hour=DAILY_HOUR)) == 1
    assert send_due(base, vera, tomorrow.replace(hour=DAILY_HOUR + 3)) == 0  # once a day
    [text] = messages(receiver)
    assert text.startswith("*Sinulle: 3 uutta asiaa*")
    assert text.count("Uutta segmentissä SMB") == 3 and f"<{BASE_URL}/for_you|" in text


def test_a_test_message_then_off_on_and_disconnect(base, receiver):
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "slack"})
    answer = vera.chat.send_test()
    assert answer.ok and messages(receiver)[0].startswith("*Oivallus on yhdistetty")
    vera.chat.set_enabled(False)
    base.add({"text": "A note while the chat is off.", "segment": "SMB"})
    assert send_due(base, vera) == 0
    vera.chat.set_enabled(True)  # what came while off is not sent
    assert send_due(base, vera) == 0
    vera.chat.set_cadence("daily")
    assert vera.chat.mine().cadence == "daily"
    vera.chat.disconnect()
    assert vera.chat.mine() is None and base.webhooks.personal() == []


def test_a_failing_chat_is_retried_and_turned_off_like_any_hook(base, receiver):
    vera = following_smb(base)
    hook = vera.chat.connect({"url": receiver.url, "kind": "slack"})
    receiver.mode = "fail"
    base.add({"text": "Parcel lockers jam in the rain.", "segment": "SMB"})
    send_due(base, vera)
    [delivery] = vera.chat.deliveries()
    assert delivery.state == "waiting" and delivery.last_status == 500
    assert delivery.hook_id == hook.id and delivery.next_at is not None


def test_a_private_address_or_plain_http_is_refused(base):
    base.core.outbox.allow_private_for_tests = False
    base.core.outbox.allow_http_for_tests = False
    vera = as_person(base, "vera")
    for url in (
        "https://127.0.0.1/hook",
        "https://10.0.0.8/services/x",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "http://1.1.1.1/hook",
        "https://user:pw@1.1.1.1/hook",
    ):
        with pytest.raises(InvalidInput):
            vera.chat.connect({"url": url, "kind": "slack"})
    with pytest.raises(InvalidInput):
        vera.chat.connect({"url": "https://1.1.1.1/hook", "kind": "email"})
    assert vera.chat.mine() is None


def test_nobody_else_sees_or_changes_a_persons_chat(base, receiver):
    vera = following_smb(base)
    hook = vera.chat.connect(
        {"url": receiver.url.rstrip("/") + "/services/T0/B0/secret-part", "kind": "slack"}
    )
    aino = as_person(base, "aino")
    assert aino.chat.mine() is None and aino.chat.deliveries() == []
    with pytest.raises(InvalidInput):
        aino.chat.set_enabled(False)
    with pytest.raises(InvalidInput):
        aino.chat.disconnect()
    admin = as_person(base, "admin")
    assert admin.webhooks.hooks() == []  # an admin's list holds the admins' hooks
    with pytest.raises(NotFound):
        admin.webhooks.hook(hook.id)
    with pytest.raises(NotFound):
        admin.webhooks.set_enabled(hook.id, False)
    [shown] = admin.webhooks.personal()
    assert shown.owner == "vera" and "secret-part" not in shown.url
    audit = json.dumps([e.model_dump(mode="json") for e in base.people.audit()])
    assert "secret-part" not in audit
    base.backlog.ask({"text": "Why are the lockers full?"})  # an admin's event: not to vera
    assert send_due(base, vera) == 0 and receiver.got == []
    admin.webhooks.delete(hook.id)  # an admin may remove it
    assert vera.chat.mine() is None


def test_a_disabled_persons_chat_gets_nothing_more(base, receiver):
    """Someone who has left (their account disabled) keeps no feed of customer insights in
    their own Slack."""
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "slack", "cadence": "each"})
    base.add({"text": "Parcel lockers are full every Friday.", "segment": "SMB"})
    at = now() + timedelta(seconds=2)
    assert vera.chat.queue_due(at) == 1  # queued just before the account is disabled
    base.people.disable_user("vera")
    base.webhooks.deliver_due(at + timedelta(seconds=1))
    base.add({"text": "Lockers break down in the cold.", "segment": "SMB"})
    assert send_due(base, vera, at + timedelta(seconds=5)) == 0
    assert receiver.got == []


def test_slack_markup_in_an_insight_is_sent_as_text(base, receiver):
    """An insight's words (from a mail, a share link, an import) cannot ping the whole
    channel or dress a link to elsewhere as the app's own in a person's Slack."""
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "slack", "cadence": "each"})
    base.add(
        {
            "text": "<!channel> Lockers: <https://evil.example/login|Avaa Oivalluksessa> & more",
            "segment": "SMB",
        }
    )
    assert send_due(base, vera) == 1
    [text] = messages(receiver)
    assert "<!channel>" not in text and "<https://evil.example" not in text
    assert "&lt;!channel&gt; Lockers: &lt;https://evil.example/login|" in text
    assert "&amp; more" in text


def test_markdown_in_an_insight_reaches_teams_as_text(base, receiver):
    """A Teams card shows an insight's words as written: a Markdown link to elsewhere named
    like the app's own button is no link, and only the app's own address opens."""
    vera = following_smb(base)
    vera.chat.connect({"url": receiver.url, "kind": "teams", "cadence": "each"})
    words = "Lockers: [Open in Oivallus](https://evil.example/login) **now**"
    base.add({"text": words, "segment": "SMB"})
    assert send_due(base, vera) == 1
    [(_, data)] = receiver.got
    card = json.loads(data)["attachments"][0]["content"]
    assert all(block["type"] == "RichTextBlock" for block in card["body"])
    runs = [run for block in card["body"] for run in block["inlines"]]
    assert any(words in run["text"] for run in runs)  # a text run: never read as Markdown
    opened = [run["selectAction"]["url"] for run in runs if "selectAction" in run]
    opened += [action["url"] for action in card.get("actions", [])]
    assert opened and not any("evil.example" in url for url in opened)


# --- the For you page -----------------------------------------------------------------------


def test_the_for_you_page_connects_a_chat(app_db):
    from tests.test_pages import open_app

    at = open_app("views/for_you.py", user="vera")
    assert at.expander[0].label == "Send these to my chat"
    at.text_input(key="chat-url").input("https://127.0.0.1/hook")
    at.button[0].click().run()
    assert "private or reserved address" in " ".join(e.value for e in at.error)
    at.text_input(key="chat-url").input("https://1.1.1.1/services/T0/B0/secret")
    at.selectbox(key="chat-kind").select("teams")
    at.radio(key="chat-new-cadence").set_value("daily")
    at.button[0].click().run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Microsoft Teams chat (https://1.1.1.1/…): a daily summary" in shown
    assert "secret" not in shown
    assert {"Send a test message", "Turn off", "Disconnect"} <= {b.label for b in at.button}
    next(b for b in at.button if b.label == "Turn off").click().run()
    assert "Your chat is turned off" in " ".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Disconnect").click().run()
    assert at.text_input(key="chat-url")
    other = open_app("views/for_you.py", user="aino")
    assert other.text_input(key="chat-url")  # not vera's


def test_the_chat_section_speaks_finnish(app_db, monkeypatch):
    from tests.test_pages import open_app

    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/for_you.py", user="vera")
    assert at.expander[0].label == "Lähetä nämä omaan keskusteluuni"
    at.text_input(key="chat-url").input("https://1.1.1.1/hook")
    at.button[0].click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Sinulle-sivun asiat lähtevät Slack-keskusteluusi" in shown
    assert "jokainen uusi asia" in shown
    assert {"Lähetä testiviesti", "Kytke pois", "Poista yhteys"} <= {b.label for b in at.button}


def test_an_admin_sees_peoples_chats_by_host_and_may_remove_one(app_db):
    from tests.test_pages import open_app

    at = open_app("views/for_you.py", user="vera")
    at.text_input(key="chat-url").input("https://1.1.1.1/services/T0/B0/secret-part")
    at.button[0].click().run()
    admin = open_app("views/webhooks.py")
    assert "People's own chats" in [s.value for s in admin.subheader]
    shown = " ".join(m.value for m in admin.markdown)
    assert "**vera**" in shown and "https://1.1.1.1/…" in shown and "secret-part" not in shown
    next(b for b in admin.button if b.label == "Remove").click().run()
    assert "People's own chats" not in [s.value for s in admin.subheader]
    assert open_app("views/for_you.py", user="vera").text_input(key="chat-url")
