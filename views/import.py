"""Import: upload files (or pick one from the server's import folder), check the column mapping
on a preview, import with progress and a cancel button, read the report; the import history
with undo, restore and resume."""

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest import jobs
from ingest import uploads as kept_uploads
from language.text import csv_text, escape_markdown, plural
from readers.mapping import (
    SCALE_NAMES,
    SYNONYMS,
    guess_mapping,
    row_plan,
    unclear_scores,
    undated_rows,
)
from readers.tables import SUPPORTED, waiting_files
from views.common import db_path, get_opening, kb, may
from views.i18n import error_text, ui
from vocabulary.errors import OivallusError, PartlyImported, ReadError
from vocabulary.knowledge import Source

FIELD_LABELS = {
    "sentiment": "sentiment (1/0, positive/negative)",
    "kind": "kind (observation, finding, quote)",
    "score": "NPS score (0-10)",
    "csat": "CSAT (1-5)",
    "ces": "CES (1-7)",
}
FIELDS = [f for f in SYNONYMS if f not in FIELD_LABELS] + list(FIELD_LABELS)
GUESS_ROWS = 200  # rows a guess looks at (a score's scale comes from its values)
IMPORT_DIR = jobs.import_dir()

base = kb()
st.title("Import insights")
if not may("researcher"):
    st.info("Importing files needs the researcher role: ask an admin if you need it.")
    st.stop()
st.caption(
    "Tables (CSV, TSV, Excel, JSON, JSON Lines), documents (Markdown, text, Word, PDF) "
    "and transcripts (WebVTT, SRT). A score column makes each row a survey response (0-10: "
    "NPS, 1-5: CSAT, 1-7: CES, guessed from its values); its comment becomes an insight."
)


def show_report(name: str, report) -> None:
    """The outcome of one import, with the rejected rows downloadable."""
    name = escape_markdown(name)
    resumed = f", {report.resumed} stored before (resumed)" if report.resumed else ""
    st.success(
        f"{name}: {report.inserted} inserted{resumed}, {plural(report.duplicates, 'duplicate')} "
        f"skipped, {plural(report.responses, 'survey response')}, {len(report.rejected)} rejected "
        f"({report.rows_per_second:.0f} rows/s)."
    )
    if not report.inserted and report.responses and "text" not in report.mapping:
        st.warning(
            f"{name} made survey responses only: no column was mapped as the insight "
            "text. If a column holds comments, Undo this import below and import again "
            "with that column as text."
        )
    if report.pii:
        st.info(
            "Personal data scrubbed: "
            + ", ".join(f"{count} {kind}" for kind, count in report.pii.items())
        )
    if report.rejected:
        rejected = pd.DataFrame([r.model_dump() for r in report.rejected])
        st.dataframe(rejected, hide_index=True)
        st.download_button(
            "Download rejected rows (CSV)",
            csv_text(rejected),
            file_name=f"{Path(name).stem}-rejected.csv",
            mime="text/csv",
            key=f"rej-{name}-{report.import_id}",
        )


def run_import(name: str, path: Path, **options) -> int:
    """Import with a progress bar; a click on Cancel (any rerun) stops it between batches."""
    shown = escape_markdown(name)
    bar = st.progress(0.0, text=f"{shown}: reading the file")
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-6)
        left = (total - done) / rate if rate else 0
        bar.progress(
            min(done / max(total, 1), 1.0),
            text=f"{shown}: {done}/{total} rows · {rate:.0f} rows/s · {left:.0f} s left",
        )

    try:
        report = base.imports.import_file(path, progress=show, name=name, **options)
    except PartlyImported as error:  # its message says what was stored and how to undo it
        st.warning(f"{shown} was {escape_markdown(error_text(error))}.")
        return 0
    except (ReadError, OivallusError) as error:
        st.error(f"{shown} was not imported: {escape_markdown(error_text(error))}.")
        return 0
    if report.status == "finished":  # nothing left to resume
        kept_uploads.discard(path, kept_uploads.folder_for(db_path()))
    bar.progress(1.0, text=f"{shown}: done")
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
                sheet = st.selectbox("Sheet", sheets, key=f"sheet-{key}")
            _, columns, sample = base.imports.preview_file(path, sheet, rows=GUESS_ROWS)
        except ReadError as error:
            st.error(
                f"{escape_markdown(name)} cannot be imported: {escape_markdown(error_text(error))}."
            )
            return None
        shown = [c for c in columns if not c.startswith("__")]
        st.dataframe(pd.DataFrame(sample[:5], columns=shown), hide_index=True)
        saved = base.imports.mappings()
        use = st.selectbox("Mapping", ["Guessed from the column names", *saved], key=f"use-{key}")
        guessed = saved.get(use) or guess_mapping(columns, sample)
        for column, found in unclear_scores(shown, sample).items():
            st.warning(
                f"Column “{escape_markdown(column)}” holds scores from {found}, which is "
                "none of NPS (0-10), CSAT (1-5) or CES (1-7): choose its scale below, or "
                "leave it out."
            )
        mapping = {}
        cols = st.columns(4)
        for number, field in enumerate(FIELDS):
            options = ["—"] + shown
            default = options.index(guessed[field]) if guessed.get(field) in options else 0
            label = FIELD_LABELS.get(field, field.replace("_", " "))
            choice = cols[number % 4].selectbox(
                label, options, index=default, key=f"map-{key}-{use}-{field}"
            )
            if choice != "—":
                mapping[field] = choice
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        save_as = c1.text_input(
            "Save this mapping as", key=f"save-name-{key}", placeholder="e.g. Zendesk export"
        )
        if c2.button("Save mapping", key=f"save-{key}", disabled=not save_as.strip()):
            try:
                base.imports.save_mapping(save_as, mapping)
                st.toast(f"Mapping '{escape_markdown(save_as.strip())}' saved")
            except OivallusError as error:
                st.error(error_text(error))
        if "text" not in mapping and not set(mapping) & set(FIELD_LABELS):
            st.warning("Choose the column that holds the insight text (or a score column).")
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
        return {"mapping": mapping, "sheet": sheet}


def plan_text(mapping: dict[str, str], sample: list[dict]) -> str:
    """What each row will make, and the counts over the rows looked at."""
    makes = [f"an insight from “{escape_markdown(mapping['text'])}”"] if "text" in mapping else []
    makes += [
        f"a {SCALE_NAMES[f]} response from “{escape_markdown(c)}”"
        for f, c in mapping.items()
        if f in SCALE_NAMES
    ]
    plan = row_plan(mapping, sample)
    counts = [f"{plan['insights']} {'insight' if plan['insights'] == 1 else 'insights'}"]
    counts += [
        f"{n} {metric.upper()} {'response' if n == 1 else 'responses'}"
        for metric, n in plan.items()
        if metric != "insights" and n
    ]
    return (
        f"Each row makes {' and '.join(makes)}. The first {len(sample)} rows make "
        f"{', '.join(counts)}."
    )


uploads = st.file_uploader("Files", accept_multiple_files=True, type=list(SUPPORTED))
if get_opening(db_path()).jobs_beside:  # the server imports what lands in the folder
    st.caption(
        f"Files dropped into the server's import folder ({escape_markdown(str(IMPORT_DIR))}) "
        "are imported within a minute with guessed mappings, then moved to its "
        "imported/ (or failed/) folder; they show in the history below."
    )
    from_folder = []
else:
    waiting = waiting_files(IMPORT_DIR)
    from_folder = st.multiselect(
        f"Or files waiting in the import folder ({IMPORT_DIR})", waiting, disabled=not waiting
    )

files = []
folder = kept_uploads.folder_for(db_path())
for upload in uploads or []:
    path = kept_uploads.keep(folder, upload.file_id, upload.name, upload.getvalue())
    files.append((upload.name, path, upload.file_id))
files += [(name, IMPORT_DIR / name, f"dir-{name}") for name in from_folder]

if files:
    c1, c2, c3, c4 = st.columns(4)
    sources = [s.value for s in Source]
    source = c1.selectbox("Source", ["Guess from the file"] + sources)
    studies = {s.title: s.id for s in base.catalog.studies()}
    study = c2.selectbox("Study", ["—"] + list(studies))
    stage = c3.selectbox(
        "Journey stage",
        ["—", *base.catalog.choices("journey_stage")],
        help="The stage of every row that does not have its own (a stage column wins).",
    )
    scrub = c4.checkbox(
        "Scrub personal data",
        value=True,
        help="E-mail addresses, phone numbers, henkilötunnus, IBANs and card "
        "numbers become placeholders before anything is stored.",
    )
    plans = [(name, path, plan) for name, path, key in files if (plan := plan_for(name, path, key))]
    if plans and st.button("Import", type="primary"):
        cancel = st.empty()
        cancel.button(
            "Cancel import",
            help="Stops after the batch being stored; importing the "
            "same file again resumes where it stopped.",
        )
        inserted = 0
        for name, path, plan in plans:
            inserted += run_import(
                name,
                path,
                scrub_pii=scrub,
                study_id=studies.get(study),
                journey_stage=None if stage == "—" else stage,
                source=None if source.startswith("Guess") else source,
                **plan,
            )
        cancel.empty()
        if inserted:
            themes_bar = st.progress(0.0, text="Updating themes")
            base.themes.recompute_themes(
                progress=lambda done, total: themes_bar.progress(
                    done / total, text=f"Updating themes: step {done} of {total}"
                )
            )
            themes_bar.progress(1.0, text="Themes updated")
        st.caption("Links and question matches for the new insights follow in the background.")

st.header("Import history", anchor=False)
history = base.imports.history()
if not history:
    st.caption("Nothing imported yet.")
for record in history:
    with st.container(border=True):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        state = "undone" if record.undone_at else record.status
        c1.markdown(
            f"**{escape_markdown(record.file)}** · {state} · {record.started_at:%Y-%m-%d %H:%M} by "
            f"{escape_markdown(record.imported_by or 'unknown')}  \n{record.inserted} inserted, "
            f"{record.duplicates} duplicates, {record.rejected} rejected, "
            f"{record.responses} survey responses"
        )
        if record.undone_at and c2.button("Restore", key=f"restore-{record.id}"):
            count = base.imports.restore_import(record.id)
            st.toast(f"{plural(count, 'insight')} of {escape_markdown(record.file)} restored")
            st.rerun()
        resumable = (
            record.status in ("cancelled", "interrupted", "partial") and not record.undone_at
        )
        if (
            resumable
            and Path(record.path or "").is_file()
            and c2.button("Resume", key=f"resume-{record.id}")
        ):
            run_import(record.file, Path(record.path), mapping=record.mapping, source=record.source)
        if (
            not record.undone_at
            and (record.inserted or record.responses)
            and c2.button(
                "Undo",
                key=f"undo-{record.id}",
                help="Soft-deletes exactly the insights this import created; its survey "
                "responses stop counting.",
            )
        ):
            count = base.imports.undo_import(record.id)
            st.toast(
                f"{plural(count, 'insight')} and {plural(record.responses, 'survey response')} of "
                f"{escape_markdown(record.file)} removed (restorable)"
            )
            st.rerun()
