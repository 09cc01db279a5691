"""For you: what happened in what you follow (questions, themes, segments) and the questions you
voted for: new evidence, answers and new insights; unread ones first marked, then read."""

import streamlit as st

from language.text import escape_markdown
from views.chat_settings import chat_section
from views.common import kb, open_link, person, title_of
from views.i18n import N_, _, ui

LABELS = {
    "evidence": (N_("new evidence"), "blue"),
    "answer": (N_("answered"), "green"),
    "theme": (N_("theme"), "violet"),
    "segment": (N_("segment"), "orange"),
}

base = kb()
words = ui()
fresh = _("new")
st.title(_("For you"))
items = base.inbox.for_you()
unread = sum(item.unread for item in items)
st.caption(
    words.plural(
        "{count} new item since you last looked · follow questions, themes and segments on "
        "their pages; questions you vote for are followed too.",
        "{count} new items since you last looked · follow questions, themes and segments on "
        "their pages; questions you vote for are followed too.",
        unread,
    )
)


def following() -> list[str]:
    """What the person follows, counted by kind ("2 questions", "1 theme"); votes count."""
    follows = base.people.follows()
    questions = {t for k, t in follows if k == "question"}
    questions |= {str(i) for i in base.backlog.my_votes(person())}
    counts = {"question": len(questions)}
    for kind in ("theme", "segment"):
        counts[kind] = sum(k == kind for k, _target in follows)
    return [counted(kind, n) for kind, n in counts.items() if n]


def counted(kind: str, count: int) -> str:
    """ "2 questions", "1 theme" in the person's language."""
    if kind == "question":
        return words.plural("{count} question", "{count} questions", count)
    if kind == "theme":
        return words.plural("{count} theme", "{count} themes", count)
    return words.plural("{count} segment", "{count} segments", count)


if not items:
    followed = following()
    if followed:
        st.info(
            _(
                "Nothing new yet in what you follow ({followed}). New evidence, answers and new "
                "insights there show up here.",
                followed=", ".join(followed),
            )
        )
    else:
        st.info(
            _(
                "Nothing yet. Follow a question on the Backlog, a theme on Themes or a segment "
                "on the Overview, and what happens there shows up here."
            )
        )
insights = {
    i.id: i for i in base.insights.insights_by_id([i.insight_id for i in items if i.insight_id])
}
for item in items:
    with st.container(border=True):
        left, right = st.columns([6, 1], vertical_alignment="center")
        new = f":red-badge[{fresh}] " if item.unread else ""
        about = escape_markdown(item.about)
        if item.kind == "evidence":
            line = _("may answer **{question}**", question=about)
        elif item.kind == "answer":
            line = _("**{question}** was answered", question=about)
        else:
            kind = _(LABELS[item.kind][0])
            line = _("new in {kind} **{about}**", kind=kind, about=about)
        label, colour = LABELS[item.kind]
        when = words.moment(item.at)
        badge = f":{colour}-badge[{words.text(label)}]"
        left.markdown(f"{new}{badge} {line} · {when}")
        insight = insights.get(item.insight_id)
        if insight is not None:
            left.caption(escape_markdown(title_of(insight)))
        with right:
            if insight is not None:
                open_link(insight.id)
            elif item.question_id:
                st.page_link(
                    "views/backlog.py",
                    label=_("Open"),
                    icon=":material/open_in_new:",
                    query_params={"question": str(item.question_id)},
                )
chat_section(base)
if unread:
    base.inbox.mark_read()  # seen now: the sidebar count drops on the next page
