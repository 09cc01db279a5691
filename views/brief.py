"""A brief (deep link ?brief=KIND:KEY): the evidence about a theme, a question, a journey stage
or a segment on one page, every sentence with its sources; Markdown and PDF to hand round."""

import streamlit as st

from insights import NotFound, OivallusError
from insights.files.brief_export import brief_markdown, brief_pdf, source_line
from language.text import escape_markdown
from views.common import kb, open_link
from views.i18n import error_text

base = kb()
KINDS = {"theme": "Theme", "question": "Question", "stage": "Journey stage", "segment": "Segment"}


def choices(kind: str) -> dict[str, str]:
    """key -> label of what a brief of this kind can be about."""
    if kind == "theme":
        return {str(t.id): t.label for t in base.themes.all()}
    if kind == "question":
        return {str(q.id): f"#{q.id} {q.text}" for q in base.backlog.ranked(status=None)}
    field = "journey_stage" if kind == "stage" else "segment"
    return {v: v for v in base.insights.filter_values(field) if v}


raw = st.query_params.get("brief", "")
kind, _, key = raw.partition(":")
if kind not in KINDS or not key:
    st.title("Brief")
    st.caption(
        "One page that sums up the evidence about one thing, in the customers' own words, "
        "each sentence with its sources."
    )
    c1, c2 = st.columns([1, 3])
    kind = c1.selectbox("About a", list(KINDS), format_func=KINDS.get, key="brief_kind")
    options = choices(kind)
    if not options:
        st.info(f"No {KINDS[kind].lower()} to brief yet.")
        st.stop()
    key = c2.selectbox(KINDS[kind], list(options), format_func=options.get, key="brief_key")
    if st.button("Open the brief", type="primary"):
        st.query_params["brief"] = f"{kind}:{key}"
        st.rerun()
    st.stop()

try:
    brief = base.briefs.brief(kind, key)
except (NotFound, OivallusError) as error:
    st.title("Brief")
    st.error(escape_markdown(error_text(error)))
    st.stop()

st.title(escape_markdown(brief.title), anchor=False)
badge = {"high": "green", "medium": "orange", "low": "red"}[brief.confidence]
st.markdown(
    f":{badge}-badge[confidence {brief.confidence}] "
    f"{escape_markdown(brief.confidence_reason)} · made {brief.made_at:%Y-%m-%d %H:%M}"
)
c1, c2, _ = st.columns([1, 1, 3])
name = f"brief-{kind}-{key}".replace(" ", "-").replace("/", "-")
c1.download_button("Markdown", brief_markdown(brief), file_name=f"{name}.md", mime="text/markdown")
c2.download_button("PDF", brief_pdf(brief), file_name=f"{name}.pdf", mime="application/pdf")
st.caption(f"Share: copy this page's address ({escape_markdown(brief.link)}).")

st.subheader("What the evidence says", anchor=False)
for point in brief.points:
    basis = ", ".join(f"#{i}" for i in point.insight_ids[:8])
    if len(point.insight_ids) > 8:
        basis += f" and {len(point.insight_ids) - 8} more"
    source = " · ".join(x for x in (basis and f"insights {basis}", point.figure) if x)
    st.markdown(f"- {escape_markdown(point.text)}")
    if source:
        st.caption(f"   from {escape_markdown(source)}")

if brief.quotes:
    st.subheader("In their own words", anchor=False)
    for insight in brief.quotes:
        with st.container(border=True):
            st.markdown(f"> {escape_markdown(insight.text)}")
            st.caption(escape_markdown(source_line(insight)))
            open_link(insight.id)

st.subheader("Open questions", anchor=False)
if not brief.questions:
    st.caption("No open question draws on this evidence.")
for question in brief.questions:
    st.page_link(
        "views/backlog.py",
        label=escape_markdown(f"#{question.id} ({question.status}) {question.text}"),
        query_params={"question": str(question.id)},
    )
