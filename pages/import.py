"""Import: upload files, check the column mapping on a preview, import with progress, read the
report (inserted, duplicates skipped, rejected rows with line and reason)."""

import itertools
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.mapping import SYNONYMS, guess_mapping
from ingest.readers import ReadError, read_records
from insights.models import Source
from pages.common import kb, routed

routed("import")

base = kb()
st.title("Import insights")
st.caption("CSV, TSV, JSON, JSON Lines, Markdown and plain text. Excel, Word, PDF and "
           "transcripts are not supported yet.")  # fmt: skip

uploads = st.file_uploader(
    "Files", accept_multiple_files=True, type=["csv", "tsv", "json", "jsonl", "md", "txt"]
)
if not uploads:
    st.stop()

folder = Path(tempfile.gettempdir()) / "oivallus-uploads"
folder.mkdir(exist_ok=True)
c1, c2, c3 = st.columns(3)
source = c1.selectbox("Source", [s.value for s in Source], index=list(Source).index(Source.other))
studies = {s.title: s.id for s in base.studies()}
study = c2.selectbox("Study", ["—"] + list(studies))
scrub = c3.checkbox("Scrub personal data", value=True,
                    help="E-mail addresses, phone numbers, henkilötunnus, IBANs and card numbers "
                    "become placeholders before anything is stored.")  # fmt: skip

plans = []
for upload in uploads:
    path = folder / f"{upload.file_id}-{Path(upload.name).name}"
    path.write_bytes(upload.getvalue())
    with st.container(border=True):
        st.subheader(upload.name, anchor=False)
        try:
            columns, records = read_records(path)
            preview = [record for _, record in itertools.islice(records, 5)]
        except ReadError as error:
            st.error(f"{upload.name} cannot be imported: {error}.")
            continue
        st.dataframe(pd.DataFrame(preview, columns=columns), hide_index=True)
        guessed = guess_mapping(columns)
        mapping = {}
        cols = st.columns(4)
        for number, field in enumerate(f for f in SYNONYMS if f != "score"):
            options = ["—"] + columns
            default = options.index(guessed[field]) if field in guessed else 0
            choice = cols[number % 4].selectbox(field.replace("_", " "), options, index=default,
                                                key=f"map-{upload.file_id}-{field}")  # fmt: skip
            if choice != "—":
                mapping[field] = choice
        if "text" not in mapping:
            st.warning("Choose the column that holds the insight text.")
            continue
        plans.append((upload.name, path, mapping))

if plans and st.button("Import", type="primary"):
    for name, path, mapping in plans:
        bar = st.progress(0.0, text=f"{name}: starting")
        started = time.perf_counter()

        def show(done: int, total: int, bar=bar, name=name, started=started) -> None:
            rate = done / max(time.perf_counter() - started, 1e-6)
            left = (total - done) / rate if rate else 0
            bar.progress(min(done / max(total, 1), 1.0),
                         text=f"{name}: {done}/{total} rows · {rate:.0f} rows/s · {left:.0f} s left")  # fmt: skip

        try:
            report = base.import_file(path, mapping=mapping, scrub_pii=scrub, progress=show,
                                      source=source, study_id=studies.get(study))  # fmt: skip
        except ReadError as error:
            st.error(f"{name} was not imported: {error}.")
            continue
        bar.progress(1.0, text=f"{name}: done")
        st.success(f"{name}: {report.inserted} inserted, {report.duplicates} duplicates skipped, "
                   f"{len(report.rejected)} rejected ({report.rows_per_second:.0f} rows/s).")  # fmt: skip
        if report.pii:
            st.info("Personal data scrubbed: "
                    + ", ".join(f"{count} {kind}" for kind, count in report.pii.items()))  # fmt: skip
        if report.rejected:
            rejected = pd.DataFrame([r.model_dump() for r in report.rejected])
            st.dataframe(rejected, hide_index=True)
            st.download_button("Download rejected rows (CSV)", rejected.to_csv(index=False),
                               file_name=f"{Path(name).stem}-rejected.csv", mime="text/csv",
                               key=f"rej-{name}")  # fmt: skip
    st.caption("Links and question matches for the new insights follow in the background.")
