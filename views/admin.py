"""Admin: people and their roles, a full export (backup), the audit log, and the mailbox."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from insights.files.backup import export_backup
from insights.files.sealed import MIN_PASSPHRASE, SUFFIX, passphrase_problem, seal_folder
from insights.runtime.startup import data_folder
from language.text import escape_markdown
from views.common import db_path, kb, may
from views.i18n import ACTION_NAMES, N_, ROLE_NAMES, _, error_text, named, ui
from views.landing import DEFAULTS, HOMES, landing, offered
from views.mailbox_state import show_mailbox
from vocabulary.errors import BackupError, OivallusError
from vocabulary.people import Role

# What the audit log can be filtered by (the stored entity names), as people read them.
AUDITED = {
    "insight": N_("an insight"),
    "question": N_("a question"),
    "import": N_("an import"),
    "theme": N_("a theme"),
    "user": N_("a person"),
    "study": N_("a study"),
    "link": N_("a link"),
    "choices": N_("the choice lists"),
    "themes": N_("a theme recalculation"),
    "setting": N_("a setting"),
}

base = kb()
words = ui()
role_name = {role: words.text(name) for role, name in ROLE_NAMES.items()}
st.title(_("Admin"))
if not may("admin"):
    st.error(_("This page is for admins."))
    st.stop()

people, landings, backup, audit, mail = st.tabs(
    [_("People"), _("Landing pages"), _("Backup"), _("Audit log"), _("Mailbox")]
)

with people:
    users = base.people.users()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("username"): u.username,
                    _("name"): u.display_name,
                    _("role"): role_name.get(u.role, u.role),
                    _("team"): u.team or "",
                    _("e-mail"): u.email or "",
                    _("disabled"): u.disabled_at is not None,
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("new-person", clear_on_submit=True):
        st.subheader(_("Add a person"), anchor=False)
        c1, c2, c3, c4 = st.columns(4)
        username = c1.text_input(_("Username"))
        name = c2.text_input(_("Name"))
        role = c3.selectbox(
            _("Role"), [r.value for r in Role], index=1, format_func=role_name.__getitem__
        )
        team = c4.text_input(_("Team"))
        password = st.text_input(
            _("Password (at least 10 characters; they can change it)"), type="password"
        )
        if st.form_submit_button(_("Add person")):
            try:
                base.people.create_user(
                    username, name, role=role, password=password or None, team=team or None
                )
                st.toast(_("{username} added", username=escape_markdown(username)))
                st.rerun()
            except OivallusError as error:
                st.error(error_text(error))
    st.subheader(_("Change a person"), anchor=False)
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    who = c1.selectbox(_("Person"), [u.username for u in users], key="who")
    new_role = c2.selectbox(
        _("New role"), [r.value for r in Role], key="new-role", format_func=role_name.__getitem__
    )
    if c3.button(_("Set role")):
        base.people.set_role(who, new_role)
        st.rerun()
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    new_password = c1.text_input(_("New password"), type="password", key="new-password")
    if c2.button(_("Set password"), disabled=len(new_password) < 10):
        base.people.set_password(who, new_password)
        st.toast(_("Password of {username} changed", username=escape_markdown(who)))
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    email = c1.text_input(
        _("E-mail address"),
        value=next((u.email or "" for u in users if u.username == who), ""),
        key=f"email-{who}",
        help=_(
            "Their weekly digest goes here, and their mail to the app's mailbox becomes "
            "their insights."
        ),
    )
    if c2.button(_("Set e-mail")):
        try:
            base.people.set_email(who, email)
            st.rerun()
        except OivallusError as error:
            st.error(error_text(error))
    if st.button(_("Disable {username}", username=escape_markdown(who)), disabled=who == "admin"):
        base.people.disable_user(who)
        st.rerun()

with landings:
    st.caption(
        _(
            "The page each role opens on at Oivallus's address; a link to a page still opens "
            "that page, and everyone can open every home from the menu."
        )
    )
    homes, chosen = offered(), base.people.landing_pages()
    with st.form("landing-pages"):
        picked = {}
        for role in Role:
            now_on = landing(role.value, chosen, homes)

            def home_name(path: str, default: str = DEFAULTS[role.value]) -> str:
                name = words.text(HOMES[path])
                return _("{page} (default)", page=name) if path == default else name

            picked[role.value] = st.selectbox(
                role_name[role.value].capitalize(),
                homes,
                index=homes.index(now_on),
                format_func=home_name,
                key=f"landing-{role.value}",
            )
        if st.form_submit_button(_("Save landing pages")):
            for role_value, path in picked.items():
                if path != landing(role_value, chosen, homes):
                    new = None if path == DEFAULTS[role_value] else path
                    base.people.set_landing_page(role_value, new)
            st.toast(_("Landing pages saved"))

with backup:
    st.caption(
        _(
            "A full export: every table as Parquet plus manifest.json. Restore it into an "
            "empty database with `python -m ingest.backup restore FOLDER --db NEW.duckdb`."
        )
    )
    if st.button(_("Export everything now"), type="primary"):
        folder = data_folder(db_path()) / "backups" / datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            manifest = export_backup(base, folder)
        except BackupError as error:
            st.error(error_text(error))
        else:
            st.session_state.backup_folder = str(folder)
            st.success(
                _(
                    "Exported {rows} rows to {folder} (readable only by the server's account).",
                    rows=words.number(sum(manifest["tables"].values())),
                    folder=escape_markdown(str(folder)),
                )
            )
    if st.session_state.get("backup_folder"):
        folder = Path(st.session_state.backup_folder)
        st.caption(
            _(
                "To take a copy off the server, seal it with a passphrase: the download is "
                "encrypted (AES-256), so a leaked file or link is useless without it. Restore "
                "it with `python -m ingest.backup restore FILE.oivb --db NEW.duckdb`."
            )
        )
        passphrase = st.text_input(
            _("Passphrase (at least {count} characters)", count=MIN_PASSPHRASE),
            type="password",
            key="backup-passphrase",
        )
        problem = passphrase_problem(passphrase)
        if passphrase and problem:
            said = error_text(problem)
            st.warning(f"{said[:1].upper()}{said[1:]}.")
        st.download_button(
            _("Download the sealed backup"),
            lambda: seal_folder(folder, passphrase),  # built only when clicked
            file_name=f"oivallus-{folder.name}{SUFFIX}",
            mime="application/octet-stream",
            disabled=problem is not None,
        )

with audit:
    every_thing, every_one = _("everything"), _("everyone")
    audited = {entity: words.text(name) for entity, name in AUDITED.items()}
    c1, c2 = st.columns(2)
    entity = c1.selectbox(
        _("What"),
        ["everything", *AUDITED],
        format_func=lambda value: every_thing if value == "everything" else audited[value],
    )
    actor = c2.selectbox(
        _("Who"),
        ["everyone"] + [u.username for u in base.people.users()],
        format_func=lambda value: every_one if value == "everyone" else value,
    )
    action_name = named(ACTION_NAMES)
    entries = base.people.audit(
        None if entity == "everything" else entity,
        None,
        None if actor == "everyone" else actor,
        limit=500,
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("when"): words.moment(e.at),
                    _("who"): e.actor or _("system"),
                    _("action"): action_name(e.action),
                    _("what"): e.entity,
                    "id": e.entity_id,
                    _("before"): str(e.before)[:200] if e.before else "",
                    _("after"): str(e.after)[:200] if e.after else "",
                }
                for e in entries
            ]
        ),
        hide_index=True,
        width="stretch",
    )

with mail:
    show_mailbox(base)
