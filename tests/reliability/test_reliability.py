"""Reliability, small size (the full size runs from benchmarks/): many people at once, and
fuzzed input that must end in our own clear errors, never a crash or a half-write."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insights import InvalidInput
from vocabulary.backlog import QuestionIn
from vocabulary.errors import OivallusError, ReadError

USERS = 20
SECONDS = 4


def test_twenty_people_adding_voting_and_searching(kb):
    kb.people.ensure_admin("reliability admin pw")
    people = [
        kb.acting_as(kb.people.create_user(f"p{i}", f"Person {i}", role="contributor"))
        for i in range(USERS)
    ]
    questions = [
        kb.backlog.ask(QuestionIn(text=f"Open question number {q} about delivery"))
        for q in range(5)
    ]
    errors: list[BaseException] = []
    added: list[list[int]] = [[] for _ in range(USERS)]
    voted: list[set[int]] = [set() for _ in range(USERS)]
    stop = time.monotonic() + SECONDS

    def work(n: int) -> None:
        view, step = people[n], 0
        try:
            while time.monotonic() < stop:
                step += 1
                result = view.add({"text": f"Person {n} observation {step} about the cold bag"})
                added[n].append(result.insight.id)
                question = questions[step % len(questions)]
                if question.id not in voted[n]:
                    view.backlog.vote(question.id, f"p{n}")
                    voted[n].add(question.id)
                view.search(f"observation {step}", k=5)
        except BaseException as error:  # noqa: BLE001 - every error fails the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [i for ids in added for i in ids]
    assert len(ids) == len(set(ids)) and kb.count() == len(ids)
    for question in questions:
        expected = sorted(f"p{n}" for n in range(USERS) if question.id in voted[n])
        assert sorted(kb.backlog.question(question.id).voters) == expected  # each vote counted once
    assert len(kb.people.audit(entity="insight", limit=100_000)) == len(ids)


SUFFIXES = ["csv", "tsv", "json", "jsonl", "md", "txt", "vtt", "srt", "xlsx", "docx", "pdf"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_importers_take_arbitrary_bytes(kb, tmp_path, data, suffix):
    path = tmp_path / f"fuzz.{suffix}"
    path.write_bytes(data)
    before = kb.count()
    try:
        report = kb.imports.import_file(path)
    except ReadError:
        assert kb.count() == before  # refused whole: nothing stored
        return
    assert kb.count() == before + report.inserted
    assert report.inserted + report.duplicates + len(report.rejected) <= report.rows


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300), title=st.one_of(st.none(), st.text(max_size=50)))
def test_insight_input_takes_arbitrary_unicode(kb, text, title):
    before = kb.count()
    try:
        kb.add({"text": text, "title": title})
    except InvalidInput:
        assert kb.count() == before
    except OivallusError as error:  # pragma: no cover - any other error of ours is a bug here
        pytest.fail(f"unexpected {error!r}")
