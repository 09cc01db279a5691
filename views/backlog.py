"""Backlog: ask, vote, see why each question ranks where it does, review its evidence."""

import streamlit as st

from insights import NotFound, OivallusError
from insights.rules.priority import narrow, with_new_evidence
from language.text import escape_markdown
from views.common import (
    allowed,
    attempt,
    card_heading,
    choose_many,
    follow_toggle,
    kb,
    open_link,
    person,
    team,
)
from views.i18n import N_, RELATION_NAMES, STATUS_NAMES, _, error_text, named, ui
from views.ranking import question_row, vote_button, votes_text, why
from vocabulary.backlog import EvidenceRelation, QuestionStatus

SORTS = {"priority": N_("Priority"), "newest": N_("Newest"), "votes": N_("Most voted")}

base = kb()
words = ui()
me, my_team = person(), team()
status_name, relation_name = named(STATUS_NAMES), named(RELATION_NAMES)


def review_buttons(question_id: int, insight_id: int) -> None:
    """Confirm an insight as evidence (with its relation) or dismiss it: only for those who
    may review evidence."""
    if not allowed(base.backlog.dismiss_evidence, question_id, insight_id):
        return
    relation = st.selectbox(
        _("Relation"),
        [r.value for r in EvidenceRelation],
        key=f"rel{insight_id}",
        label_visibility="collapsed",
        format_func=relation_name,
    )
    b1, b2 = st.columns(2)
    if b1.button(_("Confirm"), key=f"ok{insight_id}") and attempt(
        base.backlog.link_evidence, question_id, insight_id, relation
    ):
        st.rerun()
    if b2.button(_("Dismiss"), key=f"no{insight_id}") and attempt(
        base.backlog.dismiss_evidence, question_id, insight_id
    ):
        st.rerun()


def show_question(question_id: int) -> None:
    try:
        question = base.backlog.question(question_id)
    except NotFound as error:
        st.error(error_text(error))
        return
    st.page_link("views/backlog.py", label=_("Back to the backlog"), icon=":material/arrow_back:")
    st.title(escape_markdown(question.text), anchor=False)
    st.page_link(
        "views/brief.py",
        label=_("Brief of its evidence (Markdown, PDF)"),
        icon=":material/summarize:",
        query_params={"brief": f"question:{question.id}"},
    )
    facts = [
        status_name(question.status).lower(),
        _("priority {priority}", priority=words.number(question.priority, 2)),
        _("impact {impact}/5", impact=question.impact),
        _("effort {effort}/5", effort=question.effort),
        question.team or "",
        _("decision by {day}", day=words.day(question.decision_date))
        if question.decision_date
        else "",
    ]
    st.caption(escape_markdown(" · ".join(f for f in facts if f)))
    follow_toggle("question", question.id)
    if question.decision:
        st.markdown(
            _("**Decision it informs:** {decision}", decision=escape_markdown(question.decision))
        )
    if question.answer:
        st.success(_("Answer: {answer}", answer=escape_markdown(question.answer)))
    if question.drop_reason:
        st.warning(_("Dropped: {reason}", reason=escape_markdown(question.drop_reason)))
    vote_button(question, "vote_detail")
    voters = ", ".join(question.voters) or _("nobody yet")
    voted = _("{votes} · voted by {voters}", votes=votes_text(question.votes), voters=voters)
    if question.teams:
        voted += " · " + _("teams: {teams}", teams=", ".join(question.teams))
    st.caption(escape_markdown(voted))
    evidence = base.backlog.question_evidence(question.id)
    with st.expander(_("Why this rank"), expanded=True):
        why(question, sum(item.status == "confirmed" for item in evidence))

    st.subheader(_("Evidence"))
    if not evidence:
        st.caption(_("No insight matched yet. New insights are checked against this question."))
    may_answer = _("may answer")
    for item in evidence:
        with st.container(border=True):
            left, right = st.columns([5, 2])
            badge = (
                ":green-badge[" + relation_name(item.relation).lower() + "]"
                if item.status == "confirmed"
                else f":blue-badge[{may_answer}]"
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
        st.subheader(_("More insights that may answer it"))
        for hit in more[:5]:
            with st.container(border=True):
                left, right = st.columns([5, 2])
                card_heading(left, hit.insight, "", hit.score)
                with right:
                    open_link(hit.insight_id)
                    review_buttons(question.id, hit.insight_id)

    if not allowed(base.backlog.set_status, question.id, "in research"):
        return
    st.subheader(_("Status"))
    with st.form("status"):
        options = [s.value for s in QuestionStatus if s.value != question.status]
        new_status = st.selectbox(_("Move to"), options, format_func=status_name)
        answer = st.text_area(_("Short answer (for answered)"))
        reason = st.text_input(_("Reason (for dropped)"))
        if st.form_submit_button(_("Change status")):
            try:
                base.backlog.set_status(question.id, new_status, answer=answer, reason=reason)
                st.rerun()
            except OivallusError as error:  # bad input, or a role that may not
                st.error(error_text(error))
    for change in reversed(base.backlog.history(question.id)):
        moved = _(
            "{when} · {old} → {new} · {person}",
            when=words.moment(change.at),
            old=status_name(change.from_status).lower() if change.from_status else "—",
            new=status_name(change.to_status).lower(),
            person=change.by or _("someone"),
        )
        st.caption(escape_markdown(moved + (f" · {change.note}" if change.note else "")))


raw_id = st.query_params.get("question")
if raw_id:
    if raw_id.isdigit():
        show_question(int(raw_id))
    else:
        st.error(_("There is no question {id}.", id=escape_markdown(raw_id)))
    st.stop()

st.title(_("Research backlog"))

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
    st.success(_("Added question #{id}.", id=asked_id))
# Not cleared on submit: a question held back as a likely duplicate keeps what was typed.
with st.expander(_("Ask a question"), expanded=False), st.form("ask", clear_on_submit=False):
    text = st.text_input(_("What do we need to find out about customers? *"), key="ask_text")
    decision = st.text_input(_("The decision it informs"), key="ask_decision")
    c1, c2, c3, c4 = st.columns(4)
    asking_team = c1.text_input(_("Asking team"), value=my_team or "", key="ask_team")
    impact = c2.slider(_("Impact"), 1, 5, 3, key="ask_impact")
    effort = c3.slider(_("Effort to research"), 1, 5, 3, key="ask_effort")
    decision_date = c4.date_input(
        _("Decision date"), value=None, key="ask_date", format=words.date_input_format
    )
    c1, c2 = st.columns(2)
    tags = c1.text_input(_("Tags"), placeholder=_("comma, separated"), key="ask_tags")
    segments = choose_many(c2, _("Segments"), base.catalog.choices("segment"), key="ask_segments")
    ask_anyway = st.checkbox(_("Ask even if a similar question exists"), key="ask_anyway")
    if st.form_submit_button(_("Ask"), type="primary"):
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
            st.session_state.backlog_similar = [q.id for q, _score in similar]
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
        st.warning(_("A similar question is already in the backlog: vote for that one instead?"))
        st.markdown(f"**{escape_markdown(similar.text)}** · {votes_text(similar.votes)}")
        vote_button(similar, f"dupvote{similar.id}")

everything = base.backlog.questions()  # one read, narrowed below in several ways
waiting = with_new_evidence(everything)
if waiting:
    st.info(
        words.plural(
            "New evidence for {count} open question: review it below.",
            "New evidence for {count} open questions: review it below.",
            len(waiting),
        )
    )

c1, c2, c3, c4, c5 = st.columns(5)
every, anything = _("all"), _("any")
status = c1.selectbox(
    _("Status"),
    ["open", "in research", "answered", "dropped", "all"],
    format_func=lambda value: every if value == "all" else status_name(value),
)
sort = c2.selectbox(_("Sort by"), list(SORTS), format_func=named(SORTS))
chosen_status = None if status == "all" else status
in_status = narrow(everything, status=chosen_status)
teams = sorted({q.team for q in in_status if q.team} | {t for q in in_status for t in q.teams})


def any_or(value: object) -> str:
    """A filter's choice: "any" in the person's language, else the value itself."""
    return anything if value is None else str(value)


team_filter = c3.selectbox(_("Team"), [None, *teams], format_func=any_or)
tag_filter = c4.selectbox(
    _("Tag"), [None, *sorted({t for q in in_status for t in q.tags})], format_func=any_or
)
segment_filter = c5.selectbox(
    _("Segment"), [None, *base.catalog.choices("segment")], format_func=any_or
)
questions = narrow(
    everything,
    status=chosen_status,
    sort=sort,
    team=team_filter,
    tag=tag_filter,
    segment=segment_filter,
)

d1, d2, _spare = st.columns([1, 1, 3])
# The files are written only when a button is pressed (in my language).
speaking = ui().code
d1.download_button(
    _("Export CSV"),
    lambda: base.backlog.export_backlog_csv(questions=questions, language=speaking),
    file_name="backlog.csv",
    mime="text/csv",
)
d2.download_button(
    _("Export Markdown"),
    lambda: base.backlog.export_backlog_markdown(questions=questions, language=speaking),
    file_name="backlog.md",
    mime="text/markdown",
)

if not questions:
    st.info(_("No questions here yet. Ask the first one above."))
PAGE = 20
my_votes = base.backlog.my_votes(me)
pages = max(1, -(-len(questions) // PAGE))
page = (
    st.number_input(_("Page (of {pages})", pages=words.number(pages)), 1, pages, 1)
    if pages > 1
    else 1
)
first = (page - 1) * PAGE
for rank, question in enumerate(questions[first : first + PAGE], start=first + 1):
    question_row(question, rank, mine=question.id in my_votes)
