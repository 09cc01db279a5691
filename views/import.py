"""Import: upload files (or pick one from the server's import folder), check the column mapping
on a preview, import with progress and a cancel button, read the report; the import history
with undo, restore and resume."""

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest import jobs
from ingest import uploads as kept_uploads
from language.text import escape_markdown
from readers.mapping import SCALE_NAMES, SYNONYMS, guess_mapping, unclear_scores, undated_rows
from readers.tables import SUPPORTED, waiting_files
from views.common import choose_many, db_path, get_opening, kb, may
from views.i18n import N_, SPEAKER_ROLE_NAMES, _, act, error_text, named, ui
from views.import_report import (
    SOURCES,
    import_line,
    partly_imported,
    plan_text,
    show_report,
)
from vocabulary.errors import OivallusError, PartlyImported, ReadError
from vocabulary.knowledge import Source

# The mapping's fields as people read them (the stored mapping keeps the English field names).
FIELD_NAMES = {
    "text": N_("insight text"),
    "title": N_("title"),
    "customer": N_("customer id"),
    "observed_at": N_("date"),
    "segment": N_("segment"),
    "touchpoint": N_("touchpoint"),
    "journey_stage": N_("journey stage"),
    "channel": N_("channel"),
    "source": N_("source"),
    "author": N_("author"),
    "team": N_("team"),
    "tags": N_("tags"),
    "external_id": N_("external id"),
    "source_url": N_("source address"),
    "sentiment": N_("sentiment (1/0, positive/negative)"),
    "kind": N_("kind (observation, finding, quote)"),
    "score": N_("NPS score (0-10)"),
    "csat": N_("CSAT (1-5)"),
    "ces": N_("CES (1-7)"),
}
LAST = ("sentiment", "kind", "score", "csat", "ces")  # shown after the plain fields
FIELDS = [f for f in SYNONYMS if f not in LAST] + list(LAST)
GUESSED = N_("Guessed from the column names")  # the choice's value (in widget keys) stays English
GUESS_ROWS = 200  # rows a guess looks at (a score's scale comes from its values)
IMPORT_DIR = jobs.import_dir()

base = kb()
st.title(_("Import insights"))
if not may("researcher"):
    st.info(_("Importing files needs the researcher role: ask an admin if you need it."))
    st.stop()
st.caption(
    _(
        "Tables (CSV, TSV, Excel, JSON, JSON Lines), documents (Markdown, text, Word, PDF) "
        "and transcripts (WebVTT, SRT). A score column makes each row a survey response (0-10: "
        "NPS, 1-5: CSAT, 1-7: CES, guessed from its values); its comment becomes an insight."
    )
)


def run_import(name: str, path: Path, **options) -> int:
    """Import with a progress bar; a click on Cancel (any rerun) stops it between batches."""
    shown = escape_markdown(name)
    words = ui()
    bar = st.progress(0.0, text=_("{name}: reading the file", name=shown))
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-6)
        left = (total - done) / rate if rate else 0
        rows = words.plural(
            "{done}/{count} row", "{done}/{count} rows", total, done=words.number(done)
        )
        bar.progress(
            min(done / max(total, 1), 1.0),
            text=words.text(
                "{name}: {rows} · {rate} rows/s · {left} s left",
                name=shown,
                rows=rows,
                rate=words.number(rate, 0),
                left=words.number(left, 0),
            ),
        )

    try:
        report = base.imports.import_file(path, progress=show, name=name, **options)
    except PartlyImported as error:  # what was stored and how to undo it
        st.warning(partly_imported(shown, error))
        return 0
    except (ReadError, OivallusError) as error:
        st.error(
            _(
                "{name} was not imported: {reason}.",
                name=shown,
                reason=escape_markdown(error_text(error)),
            )
        )
        return 0
    if report.status == "finished":  # nothing left to resume
        kept_uploads.discard(path, kept_uploads.folder_for(db_path()))
    bar.progress(1.0, text=_("{name}: done", name=shown))
    show_report(name, report)
    return report.inserted


def plan_for(name: str, path: Path, key: str):
    """Preview and mapping for one file; returns the import options or None."""
    with st.container(border=True):
        st.subheader(escape_markdown(name), anchor=False)
        sheet = None
        try:
            sheets = base.imports.preview_file(path)[0]
            if len(sheets) > 1:
                sheet = st.selectbox(_("Sheet"), sheets, key=f"sheet-{key}")
            _sheets, columns, sample = base.imports.preview_file(path, sheet, rows=GUESS_ROWS)
        except ReadError as error:
            st.error(
                _(
                    "{name} cannot be imported: {reason}.",
                    name=escape_markdown(name),
                    reason=escape_markdown(error_text(error)),
                )
            )
            return None
        shown = [c for c in columns if not c.startswith("__")]
        st.caption(_("The first rows of {name}:", name=escape_markdown(name)))
        st.dataframe(pd.DataFrame(sample[:5], columns=shown), hide_index=True)
        saved = base.imports.mappings()
        guessed_word = _(GUESSED)
        use = st.selectbox(
            _("Mapping"),
            [GUESSED, *saved],
            key=f"use-{key}",
            format_func=lambda value: guessed_word if value == GUESSED else value,
        )
        guessed = saved.get(use) or guess_mapping(columns, sample)
        for column, found in unclear_scores(shown, sample).items():
            st.warning(
                _(
                    "Column “{column}” holds scores from {found}, which is none of NPS (0-10), "
                    "CSAT (1-5) or CES (1-7): choose its scale below, or leave it out.",
                    column=escape_markdown(column),
                    found=found,
                )
            )
        st.markdown(_("**Which column holds what**"))
        mapping = {}
        cols = st.columns(4)
        for number, field in enumerate(FIELDS):
            options = ["—"] + shown
            default = options.index(guessed[field]) if guessed.get(field) in options else 0
            choice = cols[number % 4].selectbox(
                _(FIELD_NAMES[field]), options, index=default, key=f"map-{key}-{use}-{field}"
            )
            if choice != "—":
                mapping[field] = choice
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        save_as = c1.text_input(
            _("Save this mapping as"),
            key=f"save-name-{key}",
            placeholder=_("e.g. Zendesk export"),
        )
        if c2.button(_("Save mapping"), key=f"save-{key}", disabled=not save_as.strip()):
            try:
                base.imports.save_mapping(save_as, mapping)
                st.toast(_("Mapping '{name}' saved", name=escape_markdown(save_as.strip())))
            except OivallusError as error:
                st.error(error_text(error))
        if "text" not in mapping and not set(mapping) & set(SCALE_NAMES):
            st.warning(_("Choose the column that holds the insight text (or a score column)."))
            return None
        st.caption(plan_text(mapping, sample))
        if undated := undated_rows(mapping, sample):  # issue 28 (9): not this month's
            st.caption(
                ui().plural(
                    "{count} of the first {rows} rows has no date: it is kept but stays out of "
                    "trends and period counts (it is not this month's).",
                    "{count} of the first {rows} rows have no date: they are kept but stay out "
                    "of trends and period counts (they are not this month's).",
                    undated,
                    rows=ui().number(len(sample)),
                )
            )
        return {"mapping": mapping, "sheet": sheet, "roles": speaker_roles(path, key)}


def speaker_roles(path: Path, key: str) -> dict[str, str] | None:
    """A transcript's speakers with the guess of their roles, to change before the import:
    only participants' turns become insights."""
    speakers = [s for s in base.imports.preview_speakers(path) if s.label]
    if not speakers:
        return None
    st.markdown(_("**Speakers**"))
    st.caption(
        _(
            "Only participants' turns become insights. You can change this later on the "
            "document's page."
        )
    )
    roles = list(SPEAKER_ROLE_NAMES)
    cols = st.columns(min(len(speakers), 4))
    return {
        s.label or "": cols[n % 4].selectbox(
            _("Role of {label}", label=escape_markdown(s.label or "")),
            roles,
            index=roles.index(s.role),
            format_func=named(SPEAKER_ROLE_NAMES),
            key=f"role-{key}-{s.number}",
        )
        for n, s in enumerate(speakers)
    }


uploads = st.file_uploader(_("Files to import"), accept_multiple_files=True, type=list(SUPPORTED))
if get_opening(db_path()).jobs_beside:  # the server imports what lands in the folder
    st.caption(
        _(
            "Files dropped into the server's import folder ({folder}) are imported within a "
            "minute with guessed mappings, then moved to its imported/ (or failed/) folder; "
            "they show in the history below.",
            folder=escape_markdown(str(IMPORT_DIR)),
        )
    )
    from_folder = []
else:
    waiting = waiting_files(IMPORT_DIR)
    from_folder = choose_many(
        st,
        _("Or files waiting in the import folder ({folder})", folder=IMPORT_DIR),
        waiting,
        disabled=not waiting,
    )

files = []
folder = kept_uploads.folder_for(db_path())
for upload in uploads or []:
    path = kept_uploads.keep(folder, upload.file_id, upload.name, upload.getvalue())
    files.append((upload.name, path, upload.file_id))
files += [(name, IMPORT_DIR / name, f"dir-{name}") for name in from_folder]

if files:
    c1, c2, c3, c4 = st.columns(4)
    guess_word, no_choice = _("Guess from the file"), "—"
    source_names = {value: _(name) for value, name in SOURCES.items()}
    source = c1.selectbox(
        _("Source"),
        [None, *(s.value for s in Source)],
        format_func=lambda value: guess_word if value is None else source_names.get(value, value),
    )
    studies = {s.title: s.id for s in base.catalog.studies()}
    study = c2.selectbox(_("Study"), [no_choice, *studies])
    stage = c3.selectbox(
        _("Journey stage"),
        [no_choice, *base.catalog.choices("journey_stage")],
        help=_("The stage of every row that does not have its own (a stage column wins)."),
    )
    scrub = c4.checkbox(
        _("Scrub personal data"),
        value=True,
        help=_(
            "E-mail addresses, phone numbers, henkilötunnus, IBANs and card numbers become "
            "placeholders before anything is stored."
        ),
    )
    plans = [(name, path, plan) for name, path, key in files if (plan := plan_for(name, path, key))]
    if plans and st.button(act("Import"), type="primary"):
        cancel = st.empty()
        cancel.button(
            _("Cancel import"),
            help=_(
                "Stops after the batch being stored; importing the same file again resumes "
                "where it stopped."
            ),
        )
        inserted = 0
        for name, path, plan in plans:
            inserted += run_import(
                name,
                path,
                scrub_pii=scrub,
                study_id=studies.get(study),
                journey_stage=None if stage == no_choice else stage,
                source=source,
                **plan,
            )
        cancel.empty()
        if inserted:
            words = ui()
            themes_bar = st.progress(0.0, text=_("Updating themes"))
            base.themes.recompute_themes(
                progress=lambda done, total: themes_bar.progress(
                    done / total,
                    text=words.text(
                        "Updating themes: step {done} of {total}",
                        done=words.number(done),
                        total=words.number(total),
                    ),
                )
            )
            themes_bar.progress(1.0, text=_("Themes updated"))
        st.caption(_("Links and question matches for the new insights follow in the background."))

st.header(_("Import history"), anchor=False)
history = base.imports.history()
if not history:
    st.caption(_("Nothing imported yet."))
for record in history:
    with st.container(border=True):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(import_line(record))
        words = ui()
        if record.undone_at and c2.button(_("Restore"), key=f"restore-{record.id}"):
            count = base.imports.restore_import(record.id)
            st.toast(
                words.plural(
                    "{count} insight of {file} restored",
                    "{count} insights of {file} restored",
                    count,
                    file=escape_markdown(record.file),
                )
            )
            st.rerun()
        resumable = (
            record.status in ("cancelled", "interrupted", "partial") and not record.undone_at
        )
        if (
            resumable
            and Path(record.path or "").is_file()
            and c2.button(_("Resume"), key=f"resume-{record.id}")
        ):
            run_import(record.file, Path(record.path), mapping=record.mapping, source=record.source)
        if (
            not record.undone_at
            and (record.inserted or record.responses)
            and c2.button(
                _("Undo"),
                key=f"undo-{record.id}",
                help=_(
                    "Soft-deletes exactly the insights this import created; its survey "
                    "responses stop counting."
                ),
            )
        ):
            count = base.imports.undo_import(record.id)
            st.toast(
                _(
                    "{insights} and {responses} of {file} removed (restorable)",
                    insights=words.plural("{count} insight", "{count} insights", count),
                    responses=words.plural(
                        "{count} survey response", "{count} survey responses", record.responses
                    ),
                    file=escape_markdown(record.file),
                )
            )
            st.rerun()
