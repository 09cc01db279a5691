"""Accounts, roles enforced on every write of the API, and the audit log."""

from __future__ import annotations

import inspect

import pytest

from insights import InsightIn, KnowledgeBase
from insights.models import QuestionIn
from insights.people import RANK, PermissionDenied
from insights.records import Role

# Arguments that get each write past its permission check (what happens after does not matter).
ARGS = {
    "add": ({"text": "A note from the field"},),
    "add_many": ([{"text": "Another note"}],),
    "add_batch": ([InsightIn(text="Batch note")],),
    "import_file": ("missing.csv",),
    "confirm_link": (1, 2),
    "reject_link": (1, 2),
    "merge": (1, 2),
    "add_evidence": (1, InsightIn(text="More evidence")),
    "edit": (1, InsightIn(text="Edited")),
    "bulk_edit": ([1], "Delivery"),
    "delete": (1,),
    "restore": (1,),
    "restore_version": (1, 1),
    "create_study": ({"title": "A study"},),
    "add_choice": ("segment", "Startups"),
    "set_choices": ("segment", ["SMB"]),
    "ask": (QuestionIn(text="Why do they leave?"),),
    "vote": (1, None),
    "set_status": (1, "in research"),
    "link_evidence": (1, 1, "answers"),
    "dismiss_evidence": (1, 1),
    "undo_import": (1,),
    "restore_import": (1,),
    "save_mapping": ("m", {"text": "a"}),
    "delete_mapping": ("m",),
    "recompute_themes": (),
    "rename_theme": (1, "x"),
    "pin_theme": (1,),
    "merge_themes": (1, 2),
    "split_theme": (1,),
    "create_user": ("newperson", "New Person"),
    "set_role": ("admin", "viewer"),
    "disable_user": ("nobody",),
    "audit": (),
    "preview_file": ("missing.csv",),
    "set_password": ("admin", "a new password for the admin"),
    "follow": ("segment", "SMB"),
    "change_password": ("wrong", "a new password for me"),
    "mark_read": (),
}
# Every other public method, by hand: a new one must be put here or in ARGS, so a write without
# a guard cannot slip past unnoticed (both lists once came from the decorator itself).
READS = {
    "allows",
    "backlog",
    "browse",
    "choices",
    "count",
    "digest",
    "evidence",
    "export_backlog_csv",
    "export_backlog_markdown",
    "export_insights",
    "filter_values",
    "follows",
    "for_you",
    "get",
    "history",
    "import_record",
    "imports",
    "insights_by_id",
    "is_duplicate_question",
    "journey",
    "kpi",
    "kpi_by",
    "kpi_change",
    "latest_response_date",
    "links",
    "mappings",
    "my_votes",
    "newest",
    "nps",
    "question",
    "question_evidence",
    "question_suggestions",
    "questions",
    "questions_for_insight",
    "questions_with_new_evidence",
    "related",
    "search",
    "similar",
    "similar_questions",
    "studies",
    "study",
    "study_insights",
    "suggest_stage",
    "survey_responses",
    "theme",
    "theme_profile",
    "theme_trends",
    "themes",
    "themes_computed",
    "unread_count",
    "user",
    "users",
    "versions",
}
# Before anyone is signed in there is no actor to check: sign-in throttles itself instead.
SIGN_IN = {
    "authenticate",
    "start_session",
    "end_session",
    "user_from_token",
    "sso_user",
    "ensure_admin",
}
PLUMBING = {"open", "close", "acting_as", "wait_for_links"}


def guarded_writes() -> dict[str, Role]:
    return {
        name: member.required_role
        for name, member in inspect.getmembers(KnowledgeBase)
        if getattr(member, "required_role", None) is not None
    }


def test_every_write_is_guarded():
    assert set(guarded_writes()) == set(ARGS), set(guarded_writes()) ^ set(ARGS)


def test_every_public_method_is_a_guarded_write_a_read_or_sign_in():
    public = {
        name
        for name, member in inspect.getmembers(KnowledgeBase)
        if not name.startswith("_") and callable(member)
    }
    classified = set(ARGS) | READS | SIGN_IN | PLUMBING
    assert public == classified, public ^ classified
    assert not (READS | SIGN_IN | PLUMBING) & set(guarded_writes())


@pytest.mark.parametrize("role", list(Role))
def test_each_role_calls_every_write(kb, role):
    kb.ensure_admin("correct horse battery")
    user = kb.create_user(f"user-{role.value}", f"User {role.value}", role=role.value)
    view = kb.acting_as(user)
    kb.add({"text": "Someone else's note"})  # insight 1 is not theirs: no owner's rights on it
    for name, needed in guarded_writes().items():
        args = ARGS[name]
        if name == "vote":
            args = (1, user.username)
        if RANK[role] < RANK[needed]:
            with pytest.raises(PermissionDenied, match="needs the"):
                getattr(view, name)(*args)
        else:
            try:
                getattr(view, name)(*args)
            except PermissionDenied as error:  # pragma: no cover - the assertion says why
                pytest.fail(f"{role} was refused {name}: {error}")
            except Exception:  # noqa: BLE001 - dummy arguments may fail later, that is fine
                pass


def test_contributor_edits_only_their_own_and_votes_only_as_themselves(kb):
    kb.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.create_user("aino", "Aino Virtanen", role="contributor"))
    own = aino.add({"text": "Delivery drivers cannot find the dock", "author": "Aino Virtanen"})
    other = kb.add({"text": "Invoices arrive late", "author": "Ville"})
    assert (
        aino.edit(
            own.insight.id,
            InsightIn(text="Drivers cannot find the loading dock", author="Aino Virtanen"),
        ).version
        == 2
    )
    with pytest.raises(PermissionDenied):
        aino.edit(other.insight.id, InsightIn(text="Changed by someone else"))
    question = kb.ask(QuestionIn(text="Why are deliveries late?"))
    assert aino.vote(question.id, "aino").votes == 1
    with pytest.raises(PermissionDenied, match="only as themselves"):
        aino.vote(question.id, "ville")


def test_audit_log_records_who_when_before_and_after(kb):
    kb.ensure_admin("correct horse battery")
    admin = kb.acting_as(kb.authenticate("admin", "correct horse battery"))
    added = admin.add({"text": "Checkout fails on older phones"})
    admin.edit(added.insight.id, InsightIn(text="Checkout fails on older Android phones"))
    admin.delete(added.insight.id)
    admin.restore(added.insight.id)
    entries = admin.audit("insight", added.insight.id)
    assert [e.action for e in entries] == ["restore", "delete", "edit", "create"]
    assert all(e.actor == "admin" for e in entries)
    edit = entries[2]
    assert edit.before["text"] == "Checkout fails on older phones"
    assert edit.after["text"] == "Checkout fails on older Android phones"
    assert entries[1].before["deleted_at"] is None
    restored = admin.restore_version(added.insight.id, 1)
    assert restored.text == "Checkout fails on older phones" and restored.version == 3
    assert admin.audit("insight", added.insight.id)[0].action == "restore version"


def test_accounts_and_passwords(kb, monkeypatch):
    monkeypatch.setenv("OIVALLUS_ADMIN_PASSWORD", "from the environment")
    assert kb.ensure_admin() is None  # the password came from the environment
    assert kb.ensure_admin() is None and len(kb.users()) == 1  # only on the first run
    assert kb.authenticate("admin", "from the environment").role == "admin"
    assert kb.authenticate("admin", "wrong") is None
    admin = kb.acting_as(kb.user("admin"))
    admin.create_user("ville", "Ville K", role="viewer", password="long enough secret")
    assert kb.authenticate("ville", "long enough secret").display_name == "Ville K"
    admin.disable_user("ville")
    assert kb.authenticate("ville", "long enough secret") is None
    with pytest.raises(Exception, match="at least 10 characters"):
        admin.create_user("short", "Short", password="short")


def test_first_run_prints_a_one_time_password(db_path):
    from tests.doubles import HashingEmbedder

    kb = KnowledgeBase.open(db_path, embedder=HashingEmbedder())
    try:
        generated = kb.ensure_admin()
        assert generated and kb.authenticate("admin", generated) is not None
    finally:
        kb.close()


def test_weekly_digest_for_a_person_and_a_team(kb, tmp_path):
    from datetime import date

    kb.ensure_admin("correct horse battery")
    kb.create_user("aino", "Aino Virtanen", role="researcher", team="Research")
    aino = kb.acting_as(kb.user("aino"))
    aino.follow("segment", "SMB")
    question = kb.ask(QuestionIn(text="Why are invoices wrong for companies?"))
    aino.vote(question.id, "aino")
    found = kb.add({"text": "Invoice address was wrong for a company customer", "segment": "SMB"})
    kb.add({"text": "A consumer liked the soup", "segment": "Consumer"})
    kb.set_status(
        question.id,
        "answered",
        answer="The address field is not validated",
        insight_ids=[found.insight.id],
    )
    today = date.today()
    (tmp_path / "s.csv").write_text(
        f"nps;pvm\n10;{today:%d.%m.%Y}\n3;{today:%d.%m.%Y}\n", encoding="utf-8"
    )
    kb.import_file(tmp_path / "s.csv")
    digest = kb.digest(username="aino")
    assert digest.items >= 3
    assert "## New in segment SMB" in digest.markdown
    assert "Invoice address was wrong" in digest.markdown and "soup" not in digest.markdown
    assert "Answered: Why are invoices wrong for companies?" in digest.markdown
    assert "NPS 0 ± " in digest.markdown and "<h2>NPS</h2>" in digest.html
    team = kb.digest(team="Research")
    assert team.recipient == "team Research" and team.items == digest.items
    quiet = kb.digest(username="admin")
    assert "Nothing new this week" in quiet.markdown or quiet.items == 1  # only the NPS line


def test_accounts_cli_creates_and_resets_the_admin(db_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    command = [sys.executable, "-m", "ingest.accounts", "--db", str(db_path)]
    first = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert first.returncode == 0 and "one-time password:" in first.stdout, first.stderr
    password = first.stdout.split("password:")[1].split()[0]
    again = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert "one-time" not in again.stdout  # only on the first run
    reset = subprocess.run(
        [*command, "--reset-admin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    new = reset.stdout.split("password:")[1].split()[0]
    from tests.doubles import HashingEmbedder

    kb = KnowledgeBase.open(db_path, embedder=HashingEmbedder())
    try:
        assert kb.authenticate("admin", new) and not kb.authenticate("admin", password)
    finally:
        kb.close()


def test_views_share_caches_with_the_knowledge_base(kb):
    kb.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.create_user("aino", "Aino", role="researcher"))
    kb.backlog()  # fill the caches through the knowledge base itself
    kb.add_many([InsightIn(text="Soup was cold on arrival")])
    kb.wait_for_links()  # matching new insights to open questions caches the question vectors
    question = aino.ask(QuestionIn(text="Why do lobby doors stop couriers?"))
    assert question.id in [q.id for q in kb.backlog()]
    added = kb.add_many([InsightIn(text="Why do lobby doors stop couriers?")])
    kb.wait_for_links()  # the background linker matches new insights with the fresh question
    assert added[0] in [e.insight_id for e in kb.question_evidence(question.id)]


def test_a_write_is_recorded_under_the_acting_person_whatever_by_says(kb):
    kb.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.create_user("aino", "Aino Virtanen", role="researcher"))
    a = kb.add({"text": "Couriers cannot find the loading dock"}).insight.id
    b = kb.add({"text": "The loading dock is hard to find for drivers"}).insight.id
    aino.confirm_link(a, b, by="someone else")
    [link] = [link for link in kb.links(a) if link.other_id == b]
    assert link.decided_by == "aino"
    kb.confirm_link(a, b, by="nightly job")  # no actor: the system's own label
    [link] = [link for link in kb.links(a) if link.other_id == b]
    assert link.decided_by == "nightly job"
