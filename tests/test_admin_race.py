"""Two admins taking the admin role from each other at the same moment never leave the
knowledge base without an enabled admin; one of them is refused (issue 26, finding B).
Real threads; DuckDB (one process) and PostgreSQL (two connections, as two app servers)."""

from __future__ import annotations

import threading

import pytest

from insights import KnowledgeBase, OivallusError
from tests.doubles import HashingEmbedder
from vocabulary.people import Role

TRIALS = 20


def _race(first, second, trial: int) -> list[BaseException | None]:
    """Admin a demotes (or disables) b while b does the same to a; what each got."""
    outcomes: list[BaseException | None] = [None, None]
    start = threading.Barrier(2)
    a, b = f"a{trial}", f"b{trial}"

    def act(index: int, base, target: str) -> None:
        start.wait()
        try:
            if trial % 2:
                base.people.disable_user(target)
            else:
                base.people.set_role(target, "viewer")
        except BaseException as error:  # told below, not lost in the thread
            outcomes[index] = error

    threads = [
        threading.Thread(target=act, args=(0, first.acting_as(first.people.user(a)), b)),
        threading.Thread(target=act, args=(1, second.acting_as(second.people.user(b)), a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("writers", ["one process", "two processes"])
def test_two_admins_demoting_each_other_at_once_leave_an_admin(kb, store, writers):
    if writers == "two processes" and not store.startswith("postgresql"):
        pytest.skip("one DuckDB file is opened by one process")
    other = (
        kb if writers == "one process" else KnowledgeBase.open(store, embedder=HashingEmbedder())
    )
    refusals: dict[str, int] = {}
    try:
        for trial in range(TRIALS):
            for name in (f"a{trial}", f"b{trial}"):
                kb.people.create_user(name, name.upper(), role="admin")
            if trial:  # only this trial's two are admins
                for name in _admins(kb):
                    if name not in (f"a{trial}", f"b{trial}"):
                        kb.people.disable_user(name)
            assert _admins(kb) == [f"a{trial}", f"b{trial}"]
            outcomes = _race(kb, other, trial)
            left = _admins(kb)
            assert left, f"trial {trial}: no enabled admin left ({outcomes})"
            failed = [o for o in outcomes if o is not None]
            assert len(failed) == 1, f"trial {trial}: {outcomes}"
            assert isinstance(failed[0], OivallusError), failed[0]
            assert len(left) == 1
            kind = type(failed[0]).__name__
            refusals[kind] = refusals.get(kind, 0) + 1
    finally:
        if other is not kb:
            other.close()
    dialect = "postgresql" if store.startswith("postgresql") else "duckdb"
    print(f"\n{dialect}, {writers}: {TRIALS} trials, an admin left in all; refusals {refusals}")


def _admins(kb) -> list[str]:
    return sorted(
        u.username for u in kb.people.users() if u.role == Role.admin and u.disabled_at is None
    )
