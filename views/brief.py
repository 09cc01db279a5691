"""A brief (deep link ?brief=KIND:KEY): the evidence about a theme, a question, a journey stage
or a segment on one page, every sentence with its sources; Markdown and PDF to hand round, in the
reader's language."""

import streamlit as st

from insights import NotFound, OivallusError
from insights.briefs import status_word
from insights.files.brief_export import (
    brief_markdown,
    brief_pdf,
    confidence_words,
    refs,
    source_line,
)
from language.text import escape_markdown
from views.common import kb, open_link
from views.i18n import N_, _, ui

base = kb()
words = ui()
KINDS = {
    "theme": N_("Theme"),
    "question": N_("Question"),
    "stage": N_("Journey stage"),
    "segment": N_("Segment"),
}
NOTHING = {  # what an empty choice says, by kind
    "theme": N_("No theme to brief yet: compute the themes on the Themes page."),
    "question": N_("No question to brief yet: ask one on the Backlog."),
    "stage": N_("No journey stage to brief yet: give insights a journey stage."),
    "segment": N_("No segment to brief yet: give insights a segment."),
}


def choices(kind: str) -> dict[str, str]:
    """key -> label of what a brief of this kind can be about."""
    if kind == "theme":
        return {str(t.id): t.label for t in base.themes.all()}
    if kind == "question":
        return {str(q.id): f"#{q.id} {q.text}" for q in base.backlog.ranked(status=None)}
    field = "journey_stage" if kind == "stage" else "segment"
    return {v: v for v in base.insights.filter_values(field) if v}


raw = st.query_params.get("brief", "")
kind, _sep, key = raw.partition(":")
if kind not in KINDS or not key:
    st.title(_("Brief"))
    st.caption(
        _(
            "One page that sums up the evidence about one thing, in the customers' own words, "
            "each sentence with its sources."
        )
    )
    c1, c2 = st.columns([1, 3])
    kinds = {k: _(name) for k, name in KINDS.items()}
    kind = c1.selectbox(_("About a"), list(KINDS), format_func=kinds.get, key="brief_kind")
    options = choices(kind)
    if not options:
        st.info(_(NOTHING[kind]))
        st.stop()
    key = c2.selectbox(kinds[kind], list(options), format_func=options.get, key="brief_key")
    if st.button(_("Open the brief"), type="primary"):
        st.query_params["brief"] = f"{kind}:{key}"
        st.rerun()
    st.stop()

try:
    brief = base.briefs.brief(kind, key, words.code)
except NotFound:
    st.title(_("Brief"))
    st.error(_("There is nothing to brief here: it does not exist or was deleted."))
    st.stop()
except OivallusError:
    st.title(_("Brief"))
    st.error(_("This brief's address is not valid: choose what it is about on the Brief page."))
    st.stop()

st.title(escape_markdown(brief.title), anchor=False)
badge = {"high": "green", "medium": "orange", "low": "red"}[brief.confidence]
made = words.moment(brief.made_at)
st.markdown(
    f":{badge}-badge[{confidence_words(brief.confidence, words)}] "
    + escape_markdown(_("{why} · made {when}", why=brief.confidence_reason, when=made))
)
c1, c2, c3 = st.columns([1, 1, 3])
name = f"brief-{kind}-{key}".replace(" ", "-").replace("/", "-")
c1.download_button(
    "Markdown",
    brief_markdown(brief, words.code),
    file_name=f"{name}.md",
    mime="text/markdown",
)
c2.download_button(
    "PDF", brief_pdf(brief, words.code), file_name=f"{name}.pdf", mime="application/pdf"
)
st.caption(_("Share: copy this page's address ({link}).", link=escape_markdown(brief.link)))

st.subheader(_("What the evidence says"), anchor=False)
for point in brief.points:
    basis = refs(point.insight_ids, words)
    source = " · ".join(x for x in (basis and _("insights {ids}", ids=basis), point.figure) if x)
    st.markdown(f"- {escape_markdown(point.text)}")
    if source:
        st.caption("   " + _("from {source}", source=escape_markdown(source)))

if brief.quotes:
    st.subheader(_("In their own words"), anchor=False)
    for insight in brief.quotes:
        with st.container(border=True):
            st.markdown(f"> {escape_markdown(insight.text)}")
            st.caption(escape_markdown(source_line(insight, words)))
            open_link(insight.id)

st.subheader(_("Open questions"), anchor=False)
if not brief.questions:
    st.caption(_("No open question draws on this evidence."))
for question in brief.questions:
    status = status_word(words, question.status)
    st.page_link(
        "views/backlog.py",
        label=escape_markdown(f"#{question.id} ({status}) {question.text}"),
        query_params={"question": str(question.id)},
    )
