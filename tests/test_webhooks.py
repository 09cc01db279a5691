"""Webhooks out: signing, queueing with the write, the retry schedule, turning a hook off
after failures, the address checks against server-side request forgery, and deliveries to a
local receiver (through the hook's private-address allowance and the tests-only http knob)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.jobs import send_webhooks
from insights import KnowledgeBase
from insights.hookmessages import body
from insights.hooksend import check_url, is_public, send, signature
from insights.webhooks import DISABLE_AFTER, RETRY_SECONDS, next_try
from tests.doubles import HashingEmbedder
from vocabulary.errors import InvalidInput
from vocabulary.knowledge import now

ALL = [
    "insight.added",
    "question.asked",
    "question.answered",
    "question.evidence",
    "import.finished",
]


class Receiver:
    """A local HTTP receiver; `mode` says how it answers: ok, fail, redirect, slow."""

    def __init__(self) -> None:
        self.got: list[tuple[dict, bytes]] = []
        self.mode = "ok"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                data = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append((dict(self.headers), data))
                if receiver.mode == "slow":
                    time.sleep(8)
                if receiver.mode == "trickle":  # headers at once, then a byte a second
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    for _ in range(100):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(1)
                    return
                if receiver.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                    return
                self.send_response(500 if receiver.mode == "fail" else 200)
                self.end_headers()
                self.wfile.write(b"x" * 10_000 if receiver.mode == "fail" else b"thanks")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def base(store):
    """A knowledge base on DuckDB and on PostgreSQL whose outbox may send to http on loopback."""
    opened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    opened.core.outbox.allow_http_for_tests = True
    yield opened
    opened.close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def local_hook(base, receiver, kind="json", events=None, language="en"):
    return base.webhooks.register(
        {
            "name": "local",
            "url": receiver.url,
            "kind": kind,
            "events": events or ALL,
            "language": language,
            "allow_private": True,
        }
    )


def run_due(base, at=None):
    return base.webhooks.deliver_due(at or now() + timedelta(seconds=1))


# --- units -------------------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature("s3cret", "1700000000", b"{}") == expected


def test_the_retry_schedule_backs_off_and_then_gives_up():
    assert [next_try(n) for n in range(1, 7)] == [60, 300, 1800, 7200, 43200, None]
    assert RETRY_SECONDS[0] == 60


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_private_and_reserved_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


def test_public_addresses_are_public():
    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert is_public(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946"))


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:192.168.0.1]/hook",
        "https://localhost/hook",  # a name that resolves to a private address
        "http://93.184.216.34/hook",  # not https
        "ftp://example.com/hook",
        "https://user:pw@93.184.216.34/hook",
    ],
)
def test_hostile_urls_are_refused_at_registration(base, url):
    base.core.outbox.allow_http_for_tests = False  # as on the server
    with pytest.raises(InvalidInput):
        base.webhooks.register({"name": "x", "url": url, "events": ALL})
    assert base.webhooks.hooks() == []


def test_http_is_refused_even_with_private_addresses_allowed_without_the_test_knob(base):
    base.core.outbox.allow_http_for_tests = False
    with pytest.raises(InvalidInput):
        check_url("http://127.0.0.1:9/hook", allow_private=True)
    assert check_url("https://127.0.0.1:9/hook", allow_private=True).address == "127.0.0.1"


def test_slack_and_teams_messages_are_in_the_hooks_language_with_a_link(base):
    at = now()
    facts = {"id": 3, "title": "Kassajono", "text": "Jono on pitkä."}
    url = "https://oivallus.example.com/insight?insight=3"
    slack = json.loads(body("slack", "fi", "e1", "insight.added", at, facts, url))
    assert slack["text"].startswith("*Uusi havainto: Kassajono*")
    assert url in slack["text"]
    teams = json.loads(body("teams", "sv", "e1", "insight.added", at, facts, url))
    card = teams["attachments"][0]["content"]
    assert teams["type"] == "message" and card["type"] == "AdaptiveCard"
    assert card["body"][0]["inlines"][0]["text"] == "Ny insikt: Kassajono"
    assert card["actions"][0]["url"] == url


# --- with the knowledge base -------------------------------------------------------------


def test_an_event_is_queued_with_its_write_and_delivered_signed_once(base, receiver):
    hook, secret = local_hook(base, receiver)
    added = base.add({"text": "The checkout queue is too long on Saturdays."})
    base.wait_for_links(10)
    question = base.backlog.ask({"text": "Why do people leave the checkout queue?"})
    assert run_due(base) == 2
    assert run_due(base) == 0  # each event once
    assert len(receiver.got) == 2
    for head, data in receiver.got:
        expected = signature(secret, head["X-Oivallus-Timestamp"], data)
        assert head["X-Oivallus-Signature"] == "sha256=" + expected
        assert head["X-Oivallus-Event-Id"]
    events = {json.loads(d)["type"]: json.loads(d) for _, d in receiver.got}
    assert events["insight.added"]["data"]["id"] == added.insight.id
    assert events["question.asked"]["data"]["id"] == question.id
    log = base.webhooks.deliveries(hook.id)
    assert {d.state for d in log} == {"delivered"} and log[0].last_status == 200


def test_a_refused_write_queues_nothing(base, receiver):
    local_hook(base, receiver)
    with pytest.raises(InvalidInput):
        base.backlog.ask({"text": ""})
    assert run_due(base) == 0


def test_a_failing_receiver_is_retried_with_backoff_and_the_answer_kept_trimmed(base, receiver):
    hook, _ = local_hook(base, receiver, events=["question.asked"])
    receiver.mode = "fail"
    base.backlog.ask({"text": "Is the delivery fee too high?"})
    start = now()
    assert run_due(base, start) == 1
    [delivery] = base.webhooks.deliveries(hook.id)
    assert delivery.state == "waiting" and delivery.last_status == 500
    assert len(delivery.last_response or "") <= 500
    assert delivery.next_at is not None
    assert timedelta(seconds=55) < delivery.next_at - start < timedelta(seconds=65)
    assert run_due(base, start + timedelta(seconds=30)) == 0  # not yet
    receiver.mode = "ok"
    assert run_due(base, start + timedelta(seconds=61)) == 1
    [delivery] = base.webhooks.deliveries(hook.id)
    assert delivery.state == "delivered" and delivery.attempts == 2
    assert len(receiver.got) == 2


def test_a_redirect_is_not_followed(base, receiver):
    hook, _ = local_hook(base, receiver, events=["question.asked"])
    receiver.mode = "redirect"
    base.backlog.ask({"text": "Who uses the gift cards?"})
    run_due(base)
    [delivery] = base.webhooks.deliveries(hook.id)
    assert delivery.state == "waiting" and delivery.last_status == 302
    assert "not followed" in (delivery.last_response or "")
    assert len(receiver.got) == 1


def test_a_hook_is_turned_off_after_failures_in_a_row(base, receiver):
    hook, _ = local_hook(base, receiver, events=["question.asked"])
    receiver.mode = "fail"
    for n in range(DISABLE_AFTER):
        base.backlog.ask({"text": f"Question number {n} about the loyalty card?"})
    assert run_due(base) == DISABLE_AFTER
    turned_off = base.webhooks.hook(hook.id)
    assert not turned_off.enabled and turned_off.disabled_at is not None
    assert "failed tries in a row" in (turned_off.disabled_why or "")
    base.backlog.ask({"text": "Anything new about the app's login?"})
    assert run_due(base, now() + timedelta(days=1)) == 0  # nothing sent to a hook that is off
    base.webhooks.set_enabled(hook.id, True)
    assert base.webhooks.hook(hook.id).failures == 0


def test_the_address_is_checked_again_at_each_delivery(base, receiver):
    hook, _ = local_hook(base, receiver, events=["question.asked"])
    with base.db.transaction() as cur:  # as if the name now resolved to a private address
        cur.execute("UPDATE webhooks SET allow_private = false WHERE id = ?", [hook.id])
    base.core.outbox.forget()
    base.backlog.ask({"text": "Do people read the receipts?"})
    run_due(base)
    [delivery] = base.webhooks.deliveries(hook.id)
    assert delivery.last_status is None and "private" in (delivery.last_response or "")
    assert receiver.got == []


def test_a_slow_receiver_times_out_and_never_blocks_a_write(base, receiver):
    hook, _ = local_hook(base, receiver, events=["question.asked"])
    receiver.mode = "slow"
    base.backlog.ask({"text": "How long do the deliveries take?"})
    sender = threading.Thread(target=run_due, args=(base,))
    sender.start()
    time.sleep(0.5)  # the delivery is waiting on the receiver now
    started = time.perf_counter()
    base.add({"text": "A note written while a webhook waits for its receiver."})
    assert time.perf_counter() - started < 2.0
    sender.join(20)
    [delivery] = base.webhooks.deliveries(hook.id)
    assert delivery.last_status is None and "timed out" in (delivery.last_response or "")


def test_answer_evidence_and_import_events(base, receiver, tmp_path):
    hook, _ = local_hook(base, receiver, kind="slack", language="fi")
    question = base.backlog.ask({"text": "Miksi kassajono on pitkä?"})
    insight = base.add({"text": "Lauantaisin kassalla on vain yksi myyjä."})
    base.wait_for_links(10)
    base.backlog.link_evidence(question.id, insight.insight.id, "answers")
    base.backlog.set_status(question.id, "answered", answer="Yksi myyjä lauantaisin.")
    table = tmp_path / "notes.csv"
    table.write_text("text\nAsiakkaat toivovat kotiinkuljetusta.\nMaksupääte jumittaa.\n")
    base.imports.import_file(table)
    base.wait_for_links(10)
    run_due(base)
    texts = [json.loads(d)["text"] for _, d in receiver.got]
    kinds = sorted(d.event for d in base.webhooks.deliveries(hook.id))
    assert kinds == sorted(ALL)  # the imported rows are told by the import's one event
    assert any(t.startswith("*Kysymykseen vastattiin") for t in texts)
    assert any("notes.csv" in t for t in texts)


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_deadline(receiver):
    receiver.mode = "trickle"
    target = check_url(receiver.url, allow_private=True, allow_http=True)
    started = time.perf_counter()
    send(target, b"{}", {"Content-Type": "application/json"}, timeout=5, deadline=1.5)
    assert time.perf_counter() - started < 4


def test_the_sending_thread_delivers_without_being_asked(base, receiver):
    local_hook(base, receiver, events=["insight.added"])
    stop = threading.Event()
    sender = threading.Thread(target=send_webhooks, args=(base, stop, 0.1), daemon=True)
    sender.start()
    try:
        base.add({"text": "Customers ask for a paper receipt at the self-checkout."})
        deadline = time.monotonic() + 10
        while not receiver.got and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        sender.join(10)
    assert len(receiver.got) == 1


def test_the_signing_secret_is_not_in_the_audit_log(base, receiver):
    _, secret = local_hook(base, receiver)
    entries = base.people.audit(entity="webhook")
    assert entries and secret not in json.dumps([e.model_dump(mode="json") for e in entries])


# --- the admin's page ----------------------------------------------------------------------


def test_the_webhooks_page_adds_a_hook_and_shows_its_secret_once(app_db):
    from tests.test_pages import open_app

    at = open_app("views/webhooks.py")
    assert at.title[0].value == "Webhooks"
    at.text_input(key="hook-name").input("Support desk")
    at.text_input(key="hook-url").input("https://127.0.0.1/hook")
    at.button[0].click().run()  # refused: a private address
    assert "private or reserved address" in " ".join(e.value for e in at.error)
    at.checkbox(key="hook-private").check()
    at.text_input(key="hook-name").input("Support desk")
    at.text_input(key="hook-url").input("https://127.0.0.1/hook")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("Copy its signing secret" in s.value for s in at.success)
    assert at.code[0].value.startswith("whsec_")
    at.run()
    assert not at.code  # shown once


def test_the_webhooks_page_speaks_finnish(app_db, monkeypatch):
    from tests.test_pages import open_app

    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/webhooks.py")
    assert at.title[0].value == "Webhookit"
    assert at.info[0].value == "Webhookeja ei ole vielä."


def test_a_channels_secret_address_is_not_in_the_audit_log(base, receiver):
    url = receiver.url.rstrip("/") + "/services/T000/B000/very-secret-part"
    base.webhooks.register(
        {"name": "Channel", "url": url, "kind": "slack", "events": ALL, "allow_private": True}
    )
    entries = [e for e in base.people.audit() if e.entity == "webhook"]
    assert entries and all("very-secret-part" not in str(e) for e in entries)
    assert any("127.0.0.1" in str(e) for e in entries)
