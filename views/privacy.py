"""Privacy (admins): retention rules per source, and erasure requests for one person."""

import pandas as pd
import streamlit as st

from insights.erasure import KINDS
from language.text import escape_markdown
from views.common import attempt, kb, may
from vocabulary.errors import OivallusError
from vocabulary.knowledge import Source

base = kb()
st.title("Privacy")
if not may("admin"):
    st.error("This page is for admins.")
    st.stop()

retention, erasure = st.tabs(["Retention", "Erasure request"])

with retention:
    st.caption(
        "After the months set for a source, the daily job (03:00) drops the raw material of "
        "its older insights: the raw file of each import, the quotes and evidence texts, the "
        "earlier versions and the texts inside their audit entries. The insight itself stays "
        "as it reads now. Nightly backups keep what they hold for 7 nights."
    )
    rules = base.retention.rules()
    st.dataframe(
        pd.DataFrame(
            [{"source": s.value, "drop raw material after": rules.get(s.value)} for s in Source]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("retention-rule"):
        c1, c2 = st.columns(2)
        source = c1.selectbox("Source", [s.value for s in Source], key="retention-source")
        months = c2.number_input(
            "Months (0: keep for good)", min_value=0, max_value=600, value=12, step=1
        )
        if st.form_submit_button("Set rule") and attempt(
            base.retention.set_rule, source, int(months) or None
        ):
            st.toast(f"Rule for {escape_markdown(source)} set")
            st.rerun()
    if st.button("Apply the rules now"):
        try:
            report = base.retention.apply()
        except OivallusError as error:  # a refusal or bad input, shown here
            st.error(escape_markdown(str(error)))
        else:
            st.success(
                f"Dropped {report.imports} raw files ({report.files_deleted} on disk), "
                f"{report.evidence} quotes and evidence texts and {report.versions} earlier "
                f"versions of {report.insights} insights."
            )

with erasure:
    st.caption(
        "Find everything that mentions one person (names in any inflected form), check the "
        "list, then erase: each mention becomes [erased], customer records of the id are "
        "deleted. The audit log keeps only a keyed hash of what you typed."
    )
    c1, c2 = st.columns([1, 3])
    kind = c1.selectbox("Identifier", KINDS, key="erasure-kind")
    identifier = c2.text_input("Name, e-mail, phone or customer id", key="erasure-identifier")
    if st.button("Find mentions", disabled=not identifier.strip()):
        st.session_state.erasure_plan = None
        try:
            st.session_state.erasure_plan = (kind, identifier, base.erasure.find(identifier, kind))
        except OivallusError as error:  # a refusal or bad input, shown here
            st.error(escape_markdown(str(error)))
    found = st.session_state.get("erasure_plan")
    if found and found[:2] == (kind, identifier):
        plan = found[2]
        st.markdown(
            f"**{len(plan.mentions)} mentions**, {plan.customer_records} customer records, "
            f"{plan.survey_responses} survey answers, {plan.raw_files} raw import files."
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {"where": m.place, "id": "/".join(map(str, m.key)), "field": m.field}
                    | {"snippet": m.snippet}
                    for m in plan.mentions
                ],
                columns=["where", "id", "field", "snippet"],
            ),
            hide_index=True,
            width="stretch",
        )
        nothing = not (plan.mentions or plan.customer_records or plan.survey_responses)
        if st.button("Erase all of these", type="primary", disabled=nothing):
            try:
                report = base.erasure.erase(identifier, kind)
            except OivallusError as error:  # a refusal or bad input, shown here
                st.error(escape_markdown(str(error)))
            else:
                st.session_state.erasure_plan = None
                st.success(
                    f"Erased {report.mentions} mentions in {report.rows} records; deleted "
                    f"{report.customer_records} customer records and {report.raw_files} raw "
                    "files."
                )
