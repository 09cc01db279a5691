"""Privacy (admins): retention rules per source, and erasure requests for one person."""

import pandas as pd
import streamlit as st

from insights.erasure import KINDS
from language.text import escape_markdown
from views.common import attempt, kb, may
from views.i18n import N_, PLACE_NAMES, SOURCE_NAMES, _, error_text, named, ui
from vocabulary.errors import OivallusError
from vocabulary.knowledge import Source

KIND_NAMES = {
    "name": N_("name"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "customer": N_("customer id"),
}

base = kb()
source_name = named(SOURCE_NAMES)
place_name = named(PLACE_NAMES)
st.title(_("Privacy"))
if not may("admin"):
    st.error(_("This page is for admins."))
    st.stop()

retention, erasure = st.tabs([_("Retention"), _("Erasure request")])

with retention:
    st.caption(
        _(
            "After the months set for a source, the daily job (03:00) drops the raw material "
            "of its older insights: the raw file of each import, the quotes and evidence "
            "texts, the earlier versions and the texts inside their audit entries. The insight "
            "itself stays as it reads now. Nightly backups keep what they hold for 7 nights."
        )
    )
    rules = base.retention.rules()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("source"): source_name(s.value),
                    _("drop raw material after (months)"): rules.get(s.value),
                }
                for s in Source
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("retention-rule"):
        c1, c2 = st.columns(2)
        source = c1.selectbox(
            _("Source"),
            [s.value for s in Source],
            key="retention-source",
            format_func=source_name,
        )
        months = c2.number_input(
            _("Months (0: keep for good)"), min_value=0, max_value=600, value=12, step=1
        )
        if st.form_submit_button(_("Set rule")) and attempt(
            base.retention.set_rule, source, int(months) or None
        ):
            st.toast(_("Rule for {source} set", source=escape_markdown(source)))
            st.rerun()
    if st.button(_("Apply the rules now")):
        try:
            report = base.retention.apply()
        except OivallusError as error:  # a refusal or bad input, shown here
            st.error(escape_markdown(error_text(error)))
        else:
            words = ui()
            st.success(
                _(
                    "Dropped {imports} raw files ({files} on disk), {evidence} quotes and "
                    "evidence texts and {versions} earlier versions of {insights} insights.",
                    imports=words.number(report.imports),
                    files=words.number(report.files_deleted),
                    evidence=words.number(report.evidence),
                    versions=words.number(report.versions),
                    insights=words.number(report.insights),
                )
            )

with erasure:
    st.caption(
        _(
            "Find everything that mentions one person (names in any inflected form), check "
            "the list, then erase: each mention becomes [erased], customer records of the id "
            "are deleted. The audit log keeps only a keyed hash of what you typed."
        )
    )
    c1, c2 = st.columns([1, 3])
    kinds = {kind: _(KIND_NAMES.get(kind, kind)) for kind in KINDS}
    kind = c1.selectbox(_("Identifier"), KINDS, key="erasure-kind", format_func=kinds.__getitem__)
    identifier = c2.text_input(_("Name, e-mail, phone or customer id"), key="erasure-identifier")
    if st.button(_("Find mentions"), disabled=not identifier.strip()):
        st.session_state.erasure_plan = None
        try:
            st.session_state.erasure_plan = (kind, identifier, base.erasure.find(identifier, kind))
        except OivallusError as error:  # a refusal or bad input, shown here
            st.error(escape_markdown(error_text(error)))
    found = st.session_state.get("erasure_plan")
    if found and found[:2] == (kind, identifier):
        plan = found[2]
        words = ui()
        st.markdown(
            _(
                "**{mentions} mentions**, {customers} customer records, {answers} survey "
                "answers, {files} raw import files.",
                mentions=words.number(len(plan.mentions)),
                customers=words.number(plan.customer_records),
                answers=words.number(plan.survey_responses),
                files=words.number(plan.raw_files),
            )
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        _("where"): place_name(m.place),
                        "id": "/".join(map(str, m.key)),
                        _("field"): m.field,
                        _("snippet"): m.snippet,
                    }
                    for m in plan.mentions
                ],
                columns=[_("where"), "id", _("field"), _("snippet")],
            ),
            hide_index=True,
            width="stretch",
        )
        nothing = not (plan.mentions or plan.customer_records or plan.survey_responses)
        if st.button(_("Erase all of these"), type="primary", disabled=nothing):
            try:
                report = base.erasure.erase(identifier, kind)
            except OivallusError as error:  # a refusal or bad input, shown here
                st.error(escape_markdown(error_text(error)))
            else:
                st.session_state.erasure_plan = None
                st.success(
                    _(
                        "Erased {mentions} mentions in {rows} records; deleted {customers} "
                        "customer records and {files} raw files.",
                        mentions=words.number(report.mentions),
                        rows=words.number(report.rows),
                        customers=words.number(report.customer_records),
                        files=words.number(report.raw_files),
                    )
                )
