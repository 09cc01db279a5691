"""What happened to my notes: for each insight the signed-in person is the author of, in plain
words what came of it (linked to other insights, may answer or answers a question, part of a
theme and whether it is rising, quoted in a brief), each with a link; the notes where nothing
happened yet are listed briefly at the end. One column: it reads the same on a phone."""

import streamlit as st

from insights import NoteOutcome
from language.names import RELATION_NAMES
from language.text import escape_markdown
from views.common import kb, may, title_of
from views.i18n import _, ui

QUIET_SHOWN = 50  # notes with nothing yet listed by name; the rest counted

base = kb()
words = ui()
st.title(_("What happened to my notes"))
mine = base.notes.mine()
used = [n for n in mine.notes if n.happened]
quiet = [n for n in mine.notes if not n.happened]

if not mine.total and may("contributor"):
    st.info(
        _(
            "You have no notes yet. Write one on the Add page: when it is linked to other "
            "insights, may answer a question on the backlog or joins a theme, it shows up here."
        )
    )
    st.page_link("views/add.py", label=_("Add an insight"), icon=":material/add_circle:")
    st.stop()
if not mine.total:  # a viewer: nothing of theirs to follow
    st.info(_("You have no notes: the insights you are the author of show up here."))
    st.stop()

summary = words.plural(
    "You are the author of {count} note.", "You are the author of {count} notes.", mine.total
)
summary += " " + words.plural(
    "{count} of them has been used so far.", "{count} of them have been used so far.", len(used)
)
if mine.total > len(mine.notes):
    summary += " " + _("The newest {shown} are shown.", shown=words.number(len(mine.notes)))
st.caption(summary)


def go(icon: str, text: str, page: str, **query: str) -> None:
    """One thing that happened, in full words (they wrap on a phone), and its link under it."""
    st.markdown(icon + " " + text)
    st.page_link(page, label=_("Open"), icon=":material/open_in_new:", query_params=query)


def question_line(item) -> tuple[str, str]:
    """(icon, "May answer: <question>" or "Confirmed as evidence, answers: <question>")."""
    text = escape_markdown(item.question.text)
    if item.status != "confirmed":
        icon, line = ":material/help:", _("May answer: **{question}**", question=text)
    else:
        relation = words.text(RELATION_NAMES.get(item.relation or "", "Supports")).lower()
        icon = ":material/task_alt:"
        line = _(
            "Confirmed as evidence, {relation}: **{question}**", relation=relation, question=text
        )
    if item.question.status == "answered":
        line += " · " + _("the question is answered")
    return icon, line


def happened(note: NoteOutcome) -> None:
    """The note's title and each thing that came of it."""
    insight = note.insight
    st.markdown(f"**{escape_markdown(title_of(insight))}**")
    st.caption(words.day(insight.observed_at or insight.created_at))
    if note.links:
        line = words.plural("Linked to {count} insight", "Linked to {count} insights", note.links)
        if note.confirmed_links:
            line += " " + _("({count} confirmed)", count=words.number(len(note.confirmed_links)))
        go(":material/link:", line, "views/insight.py", insight=str(insight.id))
    for item in note.questions:
        go(*question_line(item), "views/backlog.py", question=str(item.question.id))
    if note.theme is not None:
        name = escape_markdown(note.theme.label)
        if note.theme.rising:
            go(
                ":material/trending_up:",
                _("Part of the rising theme **{theme}**", theme=name),
                "views/themes.py",
                theme=str(note.theme.id),
            )
        else:
            go(
                ":material/hub:",
                _("Part of the theme **{theme}**", theme=name),
                "views/themes.py",
                theme=str(note.theme.id),
            )
    for brief in note.briefs:
        about = escape_markdown(brief.about)
        line = (
            _("Quoted in the brief of the theme **{theme}**", theme=about)
            if brief.kind == "theme"
            else _("Quoted in the brief of the question **{question}**", question=about)
        )
        go(":material/summarize:", line, "views/brief.py", brief=f"{brief.kind}:{brief.key}")


for note in used:
    with st.container(border=True):
        happened(note)

if quiet:
    st.subheader(
        words.plural("Nothing yet for {count} note", "Nothing yet for {count} notes", len(quiet)),
        anchor=False,
    )
    st.caption(
        _(
            "A note is linked when similar ones come in, suggested for a question when it may "
            "answer one, and grouped into a theme when themes are computed."
        )
    )
    for note in quiet[:QUIET_SHOWN]:
        label = f"{words.day(note.insight.created_at)} · {title_of(note.insight)}"  # cut at the end
        st.page_link(
            "views/insight.py",
            label=escape_markdown(label),
            icon=":material/description:",
            query_params={"insight": str(note.insight.id)},
        )
    if len(quiet) > QUIET_SHOWN:
        st.caption(_("and {count} more", count=words.number(len(quiet) - QUIET_SHOWN)))
