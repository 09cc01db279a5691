"""Accounts, roles enforced on every write of the API, and the audit log."""

from __future__ import annotations

import inspect

import pytest

from insights import InsightIn, KnowledgeBase
from insights.acting import RANK, PermissionDenied
from vocabulary.backlog import QuestionIn
from vocabulary.people import Role

# Arguments that get each write past its permission check (what happens after does not matter).
ARGS = {
    "insights.add": ({"text": "A note from the field"},),
    "insights.add_many": ([{"text": "Another note"}],),
    "insights.add_batch": ([InsightIn(text="Batch note")],),
    "imports.import_file": ("missing.csv",),
    "curation.confirm_link": (1, 2),
    "curation.reject_link": (1, 2),
    "curation.merge": (1, 2),
    "curation.add_evidence": (1, InsightIn(text="More evidence")),
    "curation.edit": (1, InsightIn(text="Edited")),
    "curation.bulk_edit": ([1], "Delivery"),
    "curation.delete": (1,),
    "curation.restore": (1,),
    "curation.restore_version": (1, 1),
    "catalog.create_study": ({"title": "A study"},),
    "catalog.add_choice": ("segment", "Startups"),
    "catalog.set_choices": ("segment", ["SMB"]),
    "backlog.ask": (QuestionIn(text="Why do they leave?"),),
    "backlog.vote": (1, None),
    "backlog.set_status": (1, "in research"),
    "backlog.link_evidence": (1, 1, "answers"),
    "backlog.dismiss_evidence": (1, 1),
    "imports.undo_import": (1,),
    "imports.restore_import": (1,),
    "imports.save_mapping": ("m", {"text": "a"}),
    "imports.delete_mapping": ("m",),
    "themes.recompute_themes": (),
    "themes.rename_theme": (1, "x"),
    "themes.pin_theme": (1,),
    "themes.merge_themes": (1, 2),
    "themes.split_theme": (1,),
    "people.create_user": ("newperson", "New Person"),
    "people.set_role": ("admin", "viewer"),
    "people.disable_user": ("nobody",),
    "people.audit": (),
    "imports.preview_file": ("missing.csv",),
    "people.set_password": ("admin", "a new password for the admin"),
    "people.set_email": ("admin", "admin@example.com"),
    "people.follow": ("segment", "SMB"),
    "people.change_password": ("wrong", "a new password for me"),
    "people.set_language": ("fi",),
    "people.set_landing_page": ("viewer", "backlog"),
    "inbox.mark_read": (),
    "chat.connect": ({"url": "https://1.1.1.1/hook", "kind": "slack"},),
    "chat.set_cadence": ("daily",),
    "chat.set_enabled": (True,),
    "chat.disconnect": (),
    "chat.send_test": (),
    "imports.customer_key": (),
    "metrics.define": ("visits",),
    "metrics.show_on_overview": ("visits",),
    "metrics.import_file": ("missing.csv",),
    "backups.export_everything": ("a new folder",),  # in tmp_path: see test_each_role_...
    "retention.set_rule": ("support ticket", 12),
    "retention.apply": (),
    "erasure.find": ("Matti Meikäläinen", "name"),
    "erasure.erase": ("Matti Meikäläinen", "name"),
    "tags.create": ({"name": "delivery"},),
    "tags.promote": ({"name": "courier"},),
    "tags.update": ("delivery", {"name": "delivery", "group": "Delivery"}),
    "tags.rename": ("delivery", "deliveries"),
    "tags.merge": ("courier", "delivery"),
    "tags.delete": ("delivery",),
    "imports.preview_speakers": ("missing.vtt",),
    "documents.set_speakers": (1, {1: ("Maija", "participant")}),
    "documents.highlight": ({"document_id": 1, "start": 0, "end": 4, "text": "Miten"},),
    "documents.retag": (1, ["toimitus"]),
    "documents.delete_highlight": (1,),
    "documents.delete": (1,),
    "redaction.redact": ({"document_id": 1, "start": 0, "end": 4, "text": "Miten"},),
}
# Every other public method, by hand: a new one must be put here or in ARGS, so a write without
# a guard cannot slip past unnoticed (both lists once came from the decorator itself).
READS = {
    "documents.documents",
    "documents.get",
    "documents.spans",
    "documents.span_of",
    "documents.speakers_of",
    "documents.check_selection",
    "retention.rules",
    "themes.independent_sources",
    "erasure.identifier_hash",
    "metrics.customer_outcomes",
    "metrics.definition",
    "metrics.definitions",
    "metrics.funnel",
    "metrics.funnel_metrics",
    "metrics.monthly",
    "metrics.tiles",
    "analysis.journey",
    "analysis.kpi",
    "analysis.kpi_by",
    "analysis.kpi_change",
    "analysis.latest_response_date",
    "analysis.nps",
    "backlog.export_backlog_csv",
    "backlog.export_backlog_markdown",
    "backlog.history",
    "backlog.is_duplicate_question",
    "backlog.my_votes",
    "backlog.question",
    "backlog.question_evidence",
    "backlog.question_suggestions",
    "backlog.questions",
    "backlog.questions_for_insight",
    "backlog.questions_with_new_evidence",
    "backlog.ranked",
    "backlog.similar_questions",
    "catalog.choices",
    "catalog.studies",
    "catalog.study",
    "catalog.study_insights",
    "curation.evidence",
    "curation.suggest_stage",
    "curation.suggest",
    "imports.history",
    "imports.import_record",
    "imports.mappings",
    "imports.survey_responses",
    "inbox.for_you",
    "chat.mine",
    "chat.deliveries",
    "inbox.unread_count",
    "insights.browse",
    "insights.canonical_tags",
    "insights.widened",
    "tags.tag_set",
    "tags.tag",
    "tags.free_tags",
    "tags.groups",
    "tags.canonical",
    "tags.meanings",
    "tags.suggest",
    "tags.board",
    "tags.insights_of",
    "insights.count",
    "insights.export_insights",
    "insights.export_ids",
    "insights.export_stream",
    "insights.filter_values",
    "insights.get",
    "insights.insights_by_id",
    "insights.links",
    "insights.newest",
    "insights.unlinked",
    "insights.related",
    "insights.search",
    "insights.similar",
    "insights.versions",
    "people.follows",
    "people.landing_pages",
    "people.user",
    "people.users",
    "themes.all",
    "themes.theme",
    "themes.theme_profile",
    "themes.theme_trends",
    "themes.themes_computed",
}
# Before anyone is signed in there is no actor to check: sign-in throttles itself instead.
SIGN_IN = {
    "people.authenticate",
    "people.start_session",
    "people.end_session",
    "people.user_from_token",
    "people.sso_user",
    "people.sso_session",
    "people.ensure_admin",
}
PLUMBING = {"insights.wait_for_links", "chat.queue_due"}
# The facade's own methods: DESIGN.md's API hands on to kb.insights (whose methods are
# classified above), the rest reads across services or makes a view.
FACADE = {
    "acting_as",
    "add",
    "add_many",
    "allows",
    "close",
    "count",
    "digest",
    "get",
    "on",
    "open",
    "related",
    "search",
    "wait_for_links",
}
SERVICES = (
    "insights",
    "curation",
    "catalog",
    "backlog",
    "themes",
    "imports",
    "analysis",
    "people",
    "inbox",
    "metrics",
    "backups",
    "retention",
    "erasure",
    "tags",
    "documents",
    "redaction",
    "chat",
)


def public_methods(kb) -> dict[str, object]:
    """Every public method of every service of a view, as "service.method"."""
    return {
        f"{service}.{name}": member
        for service in SERVICES
        for name, member in inspect.getmembers(type(getattr(kb, service)))
        if not name.startswith("_") and callable(member)
    }


def guarded_writes(kb) -> dict[str, Role]:
    return {
        name: member.required_role
        for name, member in public_methods(kb).items()
        if getattr(member, "required_role", None) is not None
    }


def test_every_write_is_guarded(kb):
    assert set(guarded_writes(kb)) == set(ARGS), set(guarded_writes(kb)) ^ set(ARGS)


def test_every_public_method_is_a_guarded_write_a_read_or_sign_in(kb):
    public = set(public_methods(kb))
    classified = set(ARGS) | READS | SIGN_IN | PLUMBING
    assert public == classified, public ^ classified
    assert not (READS | SIGN_IN | PLUMBING) & set(guarded_writes(kb))
    facade = {
        name
        for name, member in inspect.getmembers(KnowledgeBase)
        if not name.startswith("_") and callable(member)
    }
    assert facade == FACADE, facade ^ FACADE


def test_the_facade_hands_writes_on_guarded(kb):
    kb.people.ensure_admin("correct horse battery")
    view = kb.acting_as(kb.people.create_user("vera", "Vera", role="viewer"))
    with pytest.raises(PermissionDenied, match="needs the contributor role"):
        view.add({"text": "A viewer's note"})
    with pytest.raises(PermissionDenied, match="needs the contributor role"):
        view.add_many([{"text": "A viewer's notes"}])
    assert not view.allows(view.insights.add, InsightIn(text="a draft"))
    assert view.allows(view.backlog.vote, 1, "vera")


def call(view, name: str, *args):
    service, method = name.split(".")
    return getattr(getattr(view, service), method)(*args)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_calls_every_write(kb, role, tmp_path):
    kb.people.ensure_admin("correct horse battery")
    user = kb.people.create_user(f"user-{role.value}", f"User {role.value}", role=role.value)
    view = kb.acting_as(user)
    kb.add({"text": "Someone else's note"})  # insight 1 is not theirs: no owner's rights on it
    for name, needed in guarded_writes(kb).items():
        args = ARGS[name]
        if name == "backlog.vote":
            args = (1, user.username)
        if name == "backups.export_everything":
            args = (tmp_path / "backup",)
        if RANK[role] < RANK[needed]:
            with pytest.raises(PermissionDenied, match="needs the"):
                call(view, name, *args)
        else:
            try:
                call(view, name, *args)
            except PermissionDenied as error:  # pragma: no cover - the assertion says why
                pytest.fail(f"{role} was refused {name}: {error}")
            except Exception:  # noqa: BLE001 - dummy arguments may fail later, that is fine
                pass


def test_contributor_edits_only_their_own_and_votes_only_as_themselves(kb):
    kb.people.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.people.create_user("aino", "Aino Virtanen", role="contributor"))
    own = aino.add({"text": "Delivery drivers cannot find the dock", "author": "Aino Virtanen"})
    other = kb.add({"text": "Invoices arrive late", "author": "Ville"})
    assert (
        aino.curation.edit(
            own.insight.id,
            InsightIn(text="Drivers cannot find the loading dock", author="Aino Virtanen"),
        ).version
        == 2
    )
    with pytest.raises(PermissionDenied):
        aino.curation.edit(other.insight.id, InsightIn(text="Changed by someone else"))
    question = kb.backlog.ask(QuestionIn(text="Why are deliveries late?"))
    assert aino.backlog.vote(question.id, "aino").votes == 1
    with pytest.raises(PermissionDenied, match="only as themselves"):
        aino.backlog.vote(question.id, "ville")


def test_audit_log_records_who_when_before_and_after(kb):
    kb.people.ensure_admin("correct horse battery")
    admin = kb.acting_as(kb.people.authenticate("admin", "correct horse battery"))
    added = admin.add({"text": "Checkout fails on older phones"})
    admin.curation.edit(added.insight.id, InsightIn(text="Checkout fails on older Android phones"))
    admin.curation.delete(added.insight.id)
    admin.curation.restore(added.insight.id)
    entries = admin.people.audit("insight", added.insight.id)
    assert [e.action for e in entries] == ["restore", "delete", "edit", "create"]
    assert all(e.actor == "admin" for e in entries)
    edit = entries[2]
    assert edit.before["text"] == "Checkout fails on older phones"
    assert edit.after["text"] == "Checkout fails on older Android phones"
    assert entries[1].before["deleted_at"] is None
    restored = admin.curation.restore_version(added.insight.id, 1)
    assert restored.text == "Checkout fails on older phones" and restored.version == 3
    assert admin.people.audit("insight", added.insight.id)[0].action == "restore version"


def test_accounts_and_passwords(kb, monkeypatch):
    monkeypatch.setenv("OIVALLUS_ADMIN_PASSWORD", "from the environment")
    assert kb.people.ensure_admin() is None  # the password came from the environment
    assert kb.people.ensure_admin() is None and len(kb.people.users()) == 1  # only on the first run
    assert kb.people.authenticate("admin", "from the environment").role == "admin"
    assert kb.people.authenticate("admin", "wrong") is None
    admin = kb.acting_as(kb.people.user("admin"))
    admin.people.create_user("ville", "Ville K", role="viewer", password="long enough secret")
    assert kb.people.authenticate("ville", "long enough secret").display_name == "Ville K"
    admin.people.disable_user("ville")
    assert kb.people.authenticate("ville", "long enough secret") is None
    with pytest.raises(Exception, match="at least 10 characters"):
        admin.people.create_user("short", "Short", password="short")


def test_first_run_prints_a_one_time_password(db_path):
    from tests.doubles import HashingEmbedder

    kb = KnowledgeBase.open(db_path, embedder=HashingEmbedder())
    try:
        generated = kb.people.ensure_admin()
        assert generated and kb.people.authenticate("admin", generated) is not None
    finally:
        kb.close()


def test_weekly_digest_for_a_person_and_a_team(kb, tmp_path):
    from datetime import date

    kb.people.ensure_admin("correct horse battery")
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Research")
    aino = kb.acting_as(kb.people.user("aino"))
    aino.people.follow("segment", "SMB")
    question = kb.backlog.ask(QuestionIn(text="Why are invoices wrong for companies?"))
    aino.backlog.vote(question.id, "aino")
    found = kb.add({"text": "Invoice address was wrong for a company customer", "segment": "SMB"})
    kb.add({"text": "A consumer liked the soup", "segment": "Consumer"})
    kb.backlog.set_status(
        question.id,
        "answered",
        answer="The address field is not validated",
        insight_ids=[found.insight.id],
    )
    today = date.today()
    (tmp_path / "s.csv").write_text(
        f"nps;pvm\n10;{today:%d.%m.%Y}\n3;{today:%d.%m.%Y}\n", encoding="utf-8"
    )
    kb.imports.import_file(tmp_path / "s.csv")
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
        assert kb.people.authenticate("admin", new) and not kb.people.authenticate(
            "admin", password
        )
    finally:
        kb.close()


def test_views_share_caches_with_the_knowledge_base(kb):
    kb.people.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.people.create_user("aino", "Aino", role="researcher"))
    kb.backlog.ranked()  # fill the caches through the knowledge base itself
    kb.add_many([InsightIn(text="Soup was cold on arrival")])
    kb.wait_for_links()  # matching new insights to open questions caches the question vectors
    question = aino.backlog.ask(QuestionIn(text="Why do lobby doors stop couriers?"))
    assert question.id in [q.id for q in kb.backlog.ranked()]
    added = kb.add_many([InsightIn(text="Why do lobby doors stop couriers?")])
    kb.wait_for_links()  # the background linker matches new insights with the fresh question
    assert added[0] in [e.insight_id for e in kb.backlog.question_evidence(question.id)]


def test_a_write_is_recorded_under_the_acting_person_whatever_by_says(kb):
    kb.people.ensure_admin("correct horse battery")
    aino = kb.acting_as(kb.people.create_user("aino", "Aino Virtanen", role="researcher"))
    a = kb.add({"text": "Couriers cannot find the loading dock"}).insight.id
    b = kb.add({"text": "The loading dock is hard to find for drivers"}).insight.id
    aino.curation.confirm_link(a, b, by="someone else")
    [link] = [link for link in kb.insights.links(a) if link.other_id == b]
    assert link.decided_by == "aino"
    kb.curation.confirm_link(a, b, by="nightly job")  # no actor: the system's own label
    [link] = [link for link in kb.insights.links(a) if link.other_id == b]
    assert link.decided_by == "nightly job"


def test_a_single_sign_on_is_not_honoured_after_its_sign_out_or_a_new_role(kb):
    """The provider's cookie of one sign-in keeps one server-side session: page loads resume it;
    after sign-out (or a new role) the same cookie opens nothing until the person signs in
    through the provider again."""
    anna = kb.people.sso_user("Anna.Korhonen@Example.com", "Anna Korhonen")
    assert anna.role == "viewer" and anna.username == "anna.korhonen@example.com"
    claims = {"iss": "https://idp.example.com", "sub": "a1", "iat": 1, "nonce": "n1"}
    token = kb.people.sso_session(anna, claims, "cookie secret")
    assert token and kb.people.user_from_token(token).username == anna.username
    assert kb.people.sso_session(anna, claims, "cookie secret") == token  # a reload
    assert kb.people.sso_session(anna, claims, "another secret") != token
    kb.people.end_session(token)  # signed out
    assert kb.people.sso_session(anna, claims, "cookie secret") is None
    again = {**claims, "iat": 2, "nonce": "n2"}  # through the provider again
    assert kb.people.sso_session(anna, again, "cookie secret")
    kb.people.set_role(anna.username, "admin")  # ends her sessions
    assert kb.people.sso_session(anna, again, "cookie secret") is None
    assert kb.people.sso_user(anna.username, None).role == "admin"  # the role stays
