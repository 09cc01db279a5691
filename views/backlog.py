"""Backlog: ask, vote, see why each question ranks where it does, review its evidence."""

import pandas as pd
import streamlit as st

from insights import NotFound, OivallusError
from insights.rules.priority import narrow, signed, with_new_evidence
from language.text import escape_markdown, plural
from views.common import (
    allowed,
    attempt,
    card_heading,
    follow_toggle,
    kb,
    open_link,
    person,
    team,
)
from views.i18n import error_text, ui
from vocabulary.backlog import EvidenceRelation, QuestionStatus

base = kb()
me, my_team = person(), team()


def question_link(question_id: int, label: str) -> None:
    st.page_link("views/backlog.py", label=label, query_params={"question": str(question_id)})


def vote_button(question, key: str, mine: bool | None = None) -> None:
    """Vote or take one's vote back; the count is shown beside the question, not on the button
    (a label carrying the count once left a stale "Vote (0)" beside the new "Unvote (1)")."""
    mine = me in question.voters if mine is None else mine
    closed = question.status in (QuestionStatus.answered, QuestionStatus.dropped)
    clicked = st.button(
        "Unvote" if mine else "Vote",
        key=key,
        disabled=closed,
        type="primary" if mine else "secondary",
        help="Closed questions take no votes" if closed else None,
    )
    if clicked and attempt(base.backlog.vote, question.id, me, on=not mine, team=my_team):
        st.session_state.pop("backlog_similar", None)
        st.rerun()


def review_buttons(question_id: int, insight_id: int) -> None:
    """Confirm an insight as evidence (with its relation) or dismiss it: only for those who
    may review evidence."""
    if not allowed(base.backlog.dismiss_evidence, question_id, insight_id):
        return
    relation = st.selectbox(
        "Relation",
        [r.value for r in EvidenceRelation],
        key=f"rel{insight_id}",
        label_visibility="collapsed",
    )
    b1, b2 = st.columns(2)
    if b1.button("Confirm", key=f"ok{insight_id}") and attempt(
        base.backlog.link_evidence, question_id, insight_id, relation
    ):
        st.rerun()
    if b2.button("Dismiss", key=f"no{insight_id}") and attempt(
        base.backlog.dismiss_evidence, question_id, insight_id
    ):
        st.rerun()


def why(question) -> None:
    rows = [
        {"part": p.name, "value": p.value, "adds": p.contribution, "rule": p.rule}
        for p in question.explanation
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(f"Priority = sum of the parts = {question.priority:.2f}")


def show_question(question_id: int) -> None:
    try:
        question = base.backlog.question(question_id)
    except NotFound as error:
        st.error(error_text(error))
        return
    st.page_link("views/backlog.py", label="Back to the backlog", icon=":material/arrow_back:")
    st.title(escape_markdown(question.text), anchor=False)
    st.page_link(
        "views/brief.py",
        label="Brief of its evidence (Markdown, PDF)",
        icon=":material/summarize:",
        query_params={"brief": f"question:{question.id}"},
    )
    facts = [
        question.status,
        f"priority {question.priority:.2f}",
        f"impact {question.impact}/5",
        f"effort {question.effort}/5",
        question.team or "",
        f"decision by {question.decision_date}" if question.decision_date else "",
    ]
    st.caption(escape_markdown(" · ".join(f for f in facts if f)))
    follow_toggle("question", question.id)
    if question.decision:
        st.markdown(f"**Decision it informs:** {escape_markdown(question.decision)}")
    if question.answer:
        st.success(f"Answer: {escape_markdown(question.answer)}")
    if question.drop_reason:
        st.warning(f"Dropped: {escape_markdown(question.drop_reason)}")
    vote_button(question, "vote_detail")
    st.caption(
        escape_markdown(
            plural(question.votes, "vote")
            + " · voted by "
            + (", ".join(question.voters) or "nobody yet")
            + (f" · teams: {', '.join(question.teams)}" if question.teams else "")
        )
    )
    with st.expander("Why this rank", expanded=True):
        why(question)

    st.subheader("Evidence")
    evidence = base.backlog.question_evidence(question.id)
    if not evidence:
        st.caption("No insight matched yet. New insights are checked against this question.")
    for item in evidence:
        with st.container(border=True):
            left, right = st.columns([5, 2])
            badge = (
                f":green-badge[{item.relation}]"
                if item.status == "confirmed"
                else ":blue-badge[may answer]"
            )
            card_heading(left, item.insight, badge, item.score)
            with right:
                open_link(item.insight_id)
                if item.status == "suggested":
                    review_buttons(question.id, item.insight_id)

    shown = {item.insight_id for item in evidence}
    more = [
        h for h in base.backlog.question_suggestions(question.id, k=10) if h.insight_id not in shown
    ]
    if more:
        st.subheader("More insights that may answer it")
        for hit in more[:5]:
            with st.container(border=True):
                left, right = st.columns([5, 2])
                card_heading(left, hit.insight, "", hit.score)
                with right:
                    open_link(hit.insight_id)
                    review_buttons(question.id, hit.insight_id)

    if not allowed(base.backlog.set_status, question.id, "in research"):
        return
    st.subheader("Status")
    with st.form("status"):
        options = [s.value for s in QuestionStatus if s.value != question.status]
        new_status = st.selectbox("Move to", options)
        answer = st.text_area("Short answer (for answered)")
        reason = st.text_input("Reason (for dropped)")
        if st.form_submit_button("Change status"):
            try:
                base.backlog.set_status(question.id, new_status, answer=answer, reason=reason)
                st.rerun()
            except OivallusError as error:  # bad input, or a role that may not
                st.error(error_text(error))
    for change in reversed(base.backlog.history(question.id)):
        st.caption(
            escape_markdown(
                f"{change.at:%Y-%m-%d %H:%M} · {change.from_status or '—'} → {change.to_status}"
                f" · {change.by or 'someone'}" + (f" · {change.note}" if change.note else "")
            )
        )


raw_id = st.query_params.get("question")
if raw_id:
    if raw_id.isdigit():
        show_question(int(raw_id))
    else:
        st.error(f"There is no question {escape_markdown(raw_id)}.")
    st.stop()

st.title("Research backlog")

ASK_KEYS = (
    "ask_text",
    "ask_decision",
    "ask_team",
    "ask_impact",
    "ask_effort",
    "ask_date",
    "ask_tags",
    "ask_segments",
    "ask_anyway",
)
if st.session_state.pop("ask_clear", False):  # a question was asked: the next starts afresh
    for name in ASK_KEYS:
        st.session_state.pop(name, None)
asked_id = st.session_state.pop("ask_done", None)
if asked_id:
    st.success(f"Added question #{asked_id}.")
# Not cleared on submit: a question held back as a likely duplicate keeps what was typed.
with st.expander("Ask a question", expanded=False), st.form("ask", clear_on_submit=False):
    text = st.text_input("What do we need to find out about customers? *", key="ask_text")
    decision = st.text_input("The decision it informs", key="ask_decision")
    c1, c2, c3, c4 = st.columns(4)
    asking_team = c1.text_input("Asking team", value=my_team or "", key="ask_team")
    impact = c2.slider("Impact", 1, 5, 3, key="ask_impact")
    effort = c3.slider("Effort to research", 1, 5, 3, key="ask_effort")
    decision_date = c4.date_input("Decision date", value=None, key="ask_date")
    c1, c2 = st.columns(2)
    tags = c1.text_input("Tags", placeholder="comma, separated", key="ask_tags")
    segments = c2.multiselect("Segments", base.catalog.choices("segment"), key="ask_segments")
    ask_anyway = st.checkbox("Ask even if a similar question exists", key="ask_anyway")
    if st.form_submit_button("Ask", type="primary"):
        draft = {
            "text": text,
            "decision": decision or None,
            "team": asking_team or None,
            "impact": impact,
            "effort": effort,
            "decision_date": decision_date,
            "tags": [t for t in tags.split(",") if t.strip()],
            "segments": segments,
            "asked_by": me,
        }
        similar = (
            [
                (q, s)
                for q, s in base.backlog.similar_questions(text)
                if base.backlog.is_duplicate_question(s)
            ]
            if text.strip()
            else []
        )
        if similar and not ask_anyway:
            st.session_state.backlog_similar = [q.id for q, _ in similar]
        else:
            try:
                asked = base.backlog.ask(draft)
            except OivallusError as error:  # bad input, or a role that may not
                st.error(error_text(error))
            else:
                st.session_state.pop("backlog_similar", None)
                st.session_state.ask_done, st.session_state.ask_clear = asked.id, True
                st.rerun()

for question_id in st.session_state.get("backlog_similar", []):
    similar = base.backlog.question(question_id)
    with st.container(border=True):
        st.warning("A similar question is already in the backlog: vote for that one instead?")
        st.markdown(f"**{escape_markdown(similar.text)}** · {plural(similar.votes, 'vote')}")
        vote_button(similar, f"dupvote{similar.id}")

everything = base.backlog.questions()  # one read, narrowed below in several ways
waiting = with_new_evidence(everything)
if waiting:
    st.info(f"New evidence for {plural(len(waiting), 'open question')}: review it below.")

c1, c2, c3, c4, c5 = st.columns(5)
status = c1.selectbox("Status", ["open", "in research", "answered", "dropped", "all"])
sort = c2.selectbox(
    "Sort by",
    ["priority", "newest", "votes"],
    format_func={"priority": "Priority", "newest": "Newest", "votes": "Most voted"}.get,
)
chosen_status = None if status == "all" else status
in_status = narrow(everything, status=chosen_status)
teams = sorted({q.team for q in in_status if q.team} | {t for q in in_status for t in q.teams})
team_filter = c3.selectbox("Team", ["any"] + teams)
tag_filter = c4.selectbox("Tag", ["any"] + sorted({t for q in in_status for t in q.tags}))
segment_filter = c5.selectbox("Segment", ["any"] + base.catalog.choices("segment"))
questions = narrow(
    everything,
    status=chosen_status,
    sort=sort,
    team=None if team_filter == "any" else team_filter,
    tag=None if tag_filter == "any" else tag_filter,
    segment=None if segment_filter == "any" else segment_filter,
)

d1, d2, _ = st.columns([1, 1, 3])
# The files are written only when a button is pressed (in my language).
speaking = ui().code
d1.download_button(
    "Export CSV",
    lambda: base.backlog.export_backlog_csv(questions=questions, language=speaking),
    file_name="backlog.csv",
    mime="text/csv",
)
d2.download_button(
    "Export Markdown",
    lambda: base.backlog.export_backlog_markdown(questions=questions, language=speaking),
    file_name="backlog.md",
    mime="text/markdown",
)

if not questions:
    st.info("No questions here yet. Ask the first one above.")
PAGE = 20
my_votes = base.backlog.my_votes(me)
pages = max(1, -(-len(questions) // PAGE))
page = st.number_input(f"Page (of {pages})", 1, pages, 1) if pages > 1 else 1
first = (page - 1) * PAGE
for rank, question in enumerate(questions[first : first + PAGE], start=first + 1):
    with st.container(border=True):
        left, right = st.columns([6, 1])
        left.markdown(f"**{rank}. {escape_markdown(question.text)}**")
        extra = (
            f" · :blue-badge[{question.new_evidence} may answer]" if question.new_evidence else ""
        )
        left.markdown(
            escape_markdown(
                f"{question.status} · priority {question.priority:.2f} · "
                f"{plural(question.votes, 'vote')}"
                + (f" from {', '.join(question.teams)}" if question.teams else "")
                + f" · impact {question.impact} · effort {question.effort}"
                + (f" · {question.team}" if question.team else "")
            )
            + extra
        )
        left.caption(
            "Why this rank: "
            + escape_markdown(
                " · ".join(f"{p.name} {signed(p.contribution)}" for p in question.explanation)
            )
        )
        with right:
            vote_button(question, f"vote{question.id}", mine=question.id in my_votes)
            question_link(question.id, "Open")
