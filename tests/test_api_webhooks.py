# ruff: noqa: F811 - `receiver` is the loopback receiver fixture of tests/test_webhooks.py
"""Webhooks end to end through the HTTP API: an admin registers a hook to a receiver on
loopback (the tests-only http allowance of tests/test_webhooks.py), a token creates an insight,
asks a question and adds an insight that answers it; the receiver gets each event exactly once,
signed; a 500 is retried; a dead or slow receiver does not hold up a create (behaviour only:
the timing is in benchmarks/bench_api.py). On DuckDB and PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from ingest.jobs import send_webhooks
from insights import KnowledgeBase
from insights.hooksend import signature
from tests.asgi_client import call
from tests.conftest import add_people
from tests.doubles import HashingEmbedder
from tests.test_api import token_of
from tests.test_webhooks import ALL, receiver  # noqa: F401
from views.api import Api
from vocabulary.knowledge import now


@pytest.fixture
def base(store):
    opened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    add_people(opened)
    opened.core.outbox.allow_http_for_tests = True
    yield opened
    opened.close()


def register(base, url: str, events=ALL) -> tuple[str, str]:
    """The admin's hook (as on the Webhooks page), allowed to reach loopback."""
    admin = base.acting_as(base.people.user("admin"))
    hook, secret = admin.webhooks.register(
        {"name": "Receiver", "url": url, "events": events, "allow_private": True}
    )
    return hook.id, secret


def create(app, secret: str, text: str) -> int:
    answer = call(app, "POST", "/api/v1/insights", token=secret, json={"text": text})
    assert answer.status == 201, answer.body
    return answer.json()["ids"][0]


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_each_event_of_the_api_reaches_the_receiver_once_signed(base, receiver):
    hook_id, signing = register(base, receiver.url)
    app, secret = Api(lambda: base), token_of(base, "aino")
    first = create(app, secret, "Parcel lockers are full every Friday evening.")
    base.wait_for_links(10)
    asked = call(
        app, "POST", "/api/v1/questions", token=secret, json={"text": "Why are lockers full?"}
    )
    assert asked.status == 201
    question = asked.json()["id"]
    answering = create(app, secret, "Lockers are full on Fridays: weekend orders arrive then.")
    base.wait_for_links(10)
    researcher = base.acting_as(base.people.user("aino"))  # confirms it on the Backlog page
    researcher.backlog.link_evidence(question, answering, "answers")

    stop = threading.Event()
    worker = threading.Thread(target=send_webhooks, args=(base, stop, 0.05), daemon=True)
    worker.start()
    try:
        wait_for(lambda: len(receiver.got) >= 4)
        time.sleep(0.3)  # anything sent twice would come now
    finally:
        stop.set()
        worker.join(10)
    assert base.webhooks.deliver_due(now() + timedelta(days=1)) == 0
    bodies = [json.loads(data) for _, data in receiver.got]
    assert Counter(b["type"] for b in bodies) == {
        "insight.added": 2,
        "question.asked": 1,
        "question.evidence": 1,
    }
    assert len({b["id"] for b in bodies}) == 4  # each event once
    added = {b["data"]["id"] for b in bodies if b["type"] == "insight.added"}
    assert added == {first, answering}
    evidence = next(b for b in bodies if b["type"] == "question.evidence")["data"]
    assert evidence["question_id"] == question and evidence["insight_id"] == answering
    for head, data in receiver.got:
        timestamp = head["X-Oivallus-Timestamp"]
        assert head["X-Oivallus-Signature"] == "sha256=" + signature(signing, timestamp, data)
        assert head["X-Oivallus-Event-Id"] == json.loads(data)["id"]
    assert {d.state for d in base.webhooks.deliveries(hook_id)} == {"delivered"}


def test_a_receiver_answering_500_gets_the_same_event_again(base, receiver):
    hook_id, _ = register(base, receiver.url, ["insight.added"])
    app, secret = Api(lambda: base), token_of(base, "mikko")
    receiver.mode = "fail"
    create(app, secret, "The self-checkout rejects gift cards.")
    base.wait_for_links(10)
    start = now() + timedelta(seconds=1)
    assert base.webhooks.deliver_due(start) == 1
    [delivery] = base.webhooks.deliveries(hook_id)
    assert delivery.state == "waiting" and delivery.last_status == 500
    receiver.mode = "ok"
    assert base.webhooks.deliver_due(start + timedelta(seconds=61)) == 1
    [delivery] = base.webhooks.deliveries(hook_id)
    assert delivery.state == "delivered" and delivery.attempts == 2
    ids = [head["X-Oivallus-Event-Id"] for head, _ in receiver.got]
    assert len(ids) == 2 and len(set(ids)) == 1  # the same event, for the receiver to dedupe


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dead_receiver_does_not_hold_up_a_create(base, receiver):
    dead_id, _ = register(base, f"http://127.0.0.1:{closed_port()}/hook", ["insight.added"])
    app, secret = Api(lambda: base), token_of(base, "aino")
    create(app, secret, "Customers ask for evening deliveries.")
    base.wait_for_links(10)
    base.webhooks.deliver_due(now() + timedelta(seconds=1))
    [refused] = base.webhooks.deliveries(dead_id)
    assert refused.state == "waiting" and refused.last_status is None
    assert "refused" in (refused.last_response or "").lower()

    slow_id, _ = register(base, receiver.url, ["question.asked"])
    receiver.mode = "slow"  # holds each delivery 8 s
    call(app, "POST", "/api/v1/questions", token=secret, json={"text": "Who wants evenings?"})
    sender = threading.Thread(
        target=base.webhooks.deliver_due, args=(now() + timedelta(seconds=1),)
    )
    sender.start()
    wait_for(lambda: len(receiver.got) == 1)  # the sender now waits on the slow receiver
    made = create(app, secret, "Evening slots sell out first.")
    assert base.insights.get(made).created_by == "aino"
    assert sender.is_alive()  # the create was answered while the delivery still waited
    assert base.webhooks.deliveries(slow_id)[0].attempts == 0
    sender.join(20)
