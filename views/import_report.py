"""The Import page's words: its report of an import, what a mapping will make of the rows, and
the names of the stored values it shows (sources, states, kinds of personal data)."""

from pathlib import Path

import pandas as pd
import streamlit as st

from language.text import csv_text, escape_markdown
from readers.mapping import SCALE_NAMES, row_plan
from views.i18n import N_, _, error_text, ui
from vocabulary.errors import PartlyImported

SOURCES = {
    "field note": N_("field note"),
    "interview": N_("interview"),
    "survey": N_("survey"),
    "support ticket": N_("support ticket"),
    "usability test": N_("usability test"),
    "analytics": N_("analytics"),
    "e-mail": N_("e-mail"),
    "other": N_("other"),
}
STATES = {
    "running": N_("running"),
    "finished": N_("finished"),
    "cancelled": N_("cancelled"),
    "interrupted": N_("interrupted"),
    "partial": N_("partly imported"),
    "failed": N_("failed"),
    "undone": N_("undone"),
}
IMPORTERS = {"import folder": N_("import folder")}  # who the folder's imports are stored as
PII = {
    "email": lambda n: ui().plural("{count} email", "{count} emails", n),
    "phone": lambda n: ui().plural("{count} phone number", "{count} phone numbers", n),
    "henkilotunnus": lambda n: ui().plural("{count} henkilötunnus", "{count} henkilötunnus", n),
    "iban": lambda n: ui().plural("{count} IBAN", "{count} IBANs", n),
    "card": lambda n: ui().plural("{count} card number", "{count} card numbers", n),
    "name": lambda n: ui().plural("{count} name", "{count} names", n),
}


def show_report(name: str, report) -> None:
    """The outcome of one import, with the rejected rows downloadable."""
    name = escape_markdown(name)
    words = ui()
    resumed = (
        _(", {count} stored before (resumed)", count=words.number(report.resumed))
        if report.resumed
        else ""
    )
    st.success(
        _(
            "{name}: {inserted}{resumed}, {duplicates}, {responses}, {rejected} ({rate} rows/s).",
            name=name,
            inserted=words.plural("{count} inserted", "{count} inserted", report.inserted),
            resumed=resumed,
            duplicates=words.plural(
                "{count} duplicate skipped", "{count} duplicates skipped", report.duplicates
            ),
            responses=words.plural(
                "{count} survey response", "{count} survey responses", report.responses
            ),
            rejected=words.plural("{count} rejected", "{count} rejected", len(report.rejected)),
            rate=words.number(report.rows_per_second, 0),
        )
    )
    if not report.inserted and report.responses and "text" not in report.mapping:
        st.warning(
            _(
                "{name} made survey responses only: no column was mapped as the insight text. "
                "If a column holds comments, Undo this import below and import again with "
                "that column as text.",
                name=name,
            )
        )
    if report.pii:
        found = [
            PII[kind](count) if kind in PII else f"{words.number(count)} {kind}"
            for kind, count in report.pii.items()
        ]
        st.info(_("Personal data scrubbed: {found}", found=", ".join(found)))
    if report.rejected:
        rejected = pd.DataFrame(
            {
                _("line"): [r.line for r in report.rejected],
                _("reason"): [
                    error_text(r.message) if r.message else r.reason for r in report.rejected
                ],
            }
        )
        st.dataframe(rejected, hide_index=True)
        st.download_button(
            _("Download rejected rows (CSV)"),
            csv_text(rejected),
            file_name=f"{Path(name).stem}-rejected.csv",
            mime="text/csv",
            key=f"rej-{name}-{report.import_id}",
        )


def partly_imported(shown: str, error: PartlyImported) -> str:
    """What a file that broke off midway left stored, and how to undo or resume it."""
    return _("{name} was {reason}.", name=shown, reason=escape_markdown(error_text(error)))


def plan_text(mapping: dict[str, str], sample: list[dict]) -> str:
    """What each row will make, and the counts over the rows looked at."""
    words = ui()
    makes = (
        [_("an insight from “{column}”", column=escape_markdown(mapping["text"]))]
        if "text" in mapping
        else []
    )
    makes += [
        _("a {scale} response from “{column}”", scale=SCALE_NAMES[f], column=escape_markdown(c))
        for f, c in mapping.items()
        if f in SCALE_NAMES
    ]
    plan = row_plan(mapping, sample)
    counts = [words.plural("{count} insight", "{count} insights", plan["insights"])]
    counts += [
        words.plural("{count} {kpi} response", "{count} {kpi} responses", n, kpi=metric.upper())
        for metric, n in plan.items()
        if metric != "insights" and n
    ]
    return _(
        "Each row makes {makes}. The first {rows} rows make {counts}.",
        makes=_(" and ").join(makes),
        rows=words.number(len(sample)),
        counts=", ".join(counts),
    )


def import_line(record) -> str:
    """An import of the history as Markdown: its file, state, when and by whom, and what it
    brought in."""
    words = ui()
    state = "undone" if record.undone_at else record.status
    who = record.imported_by
    who = _(IMPORTERS[who]) if who in IMPORTERS else who or _("unknown")
    return _(
        "**{file}** · {state} · {when} by {who}  \n{inserted}, {duplicates}, {rejected}, "
        "{responses}",
        file=escape_markdown(record.file),
        state=_(STATES.get(state, state)),
        when=words.moment(record.started_at),
        who=escape_markdown(who),
        inserted=words.plural("{count} inserted", "{count} inserted", record.inserted),
        duplicates=words.plural("{count} duplicate", "{count} duplicates", record.duplicates),
        rejected=words.plural("{count} rejected", "{count} rejected", record.rejected),
        responses=words.plural(
            "{count} survey response", "{count} survey responses", record.responses
        ),
    )
