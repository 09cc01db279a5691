"""For you: what happened in what you follow (questions, themes, segments) and the questions you
voted for: new evidence, answers and new insights; unread ones first marked, then read."""

import streamlit as st

from language.text import escape_markdown, plural
from views.common import kb, open_link, person, title_of

LABELS = {
    "evidence": ":blue-badge[new evidence]",
    "answer": ":green-badge[answered]",
    "theme": ":violet-badge[theme]",
    "segment": ":orange-badge[segment]",
}

base = kb()
st.title("For you")
items = base.inbox.for_you()
unread = sum(item.unread for item in items)
st.caption(
    f"{plural(unread, 'new item')} since you last looked · follow questions, themes and "
    "segments on their pages; questions you vote for are followed too."
)


def following() -> list[str]:
    """What the person follows, counted by kind ("2 questions", "1 theme"); votes count."""
    follows = base.people.follows()
    questions = {t for k, t in follows if k == "question"}
    questions |= {str(i) for i in base.backlog.my_votes(person())}
    counts = {"question": len(questions)}
    for kind in ("theme", "segment"):
        counts[kind] = sum(k == kind for k, _ in follows)
    return [plural(n, kind) for kind, n in counts.items() if n]


if not items:
    followed = following()
    if followed:
        st.info(
            f"Nothing new yet in what you follow ({', '.join(followed)}). New evidence, answers "
            "and new insights there show up here."
        )
    else:
        st.info(
            "Nothing yet. Follow a question on the Backlog, a theme on Themes or a segment on "
            "the Overview, and what happens there shows up here."
        )
insights = {
    i.id: i for i in base.insights.insights_by_id([i.insight_id for i in items if i.insight_id])
}
for item in items:
    with st.container(border=True):
        left, right = st.columns([6, 1], vertical_alignment="center")
        new = ":red-badge[new] " if item.unread else ""
        about = escape_markdown(item.about)
        if item.kind == "evidence":
            line = f"may answer **{about}**"
        elif item.kind == "answer":
            line = f"**{about}** was answered"
        else:
            line = f"new in {item.kind} **{about}**"
        left.markdown(f"{new}{LABELS[item.kind]} {line} · {item.at:%Y-%m-%d %H:%M}")
        insight = insights.get(item.insight_id)
        if insight is not None:
            left.caption(escape_markdown(title_of(insight)))
        with right:
            if insight is not None:
                open_link(insight.id)
            elif item.question_id:
                st.page_link(
                    "views/backlog.py",
                    label="Open",
                    icon=":material/open_in_new:",
                    query_params={"question": str(item.question_id)},
                )
if unread:
    base.inbox.mark_read()  # seen now: the sidebar count drops on the next page
