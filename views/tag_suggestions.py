"""Tags suggested while tagging (Add, the quick note): the tags of the nearest tagged insights,
best first, each with the insights it came from (kb.tags.suggest), added with one tap."""

from collections.abc import Callable

import streamlit as st

from language.text import escape_markdown
from views.common import title_of
from views.i18n import _, ui


def show_tag_suggestions(
    base,
    text: str,
    carried: list[str],
    key: str,
    pick: Callable[[str], None],
    exclude: list[int] | None = None,
) -> None:
    """Up to three tags for `text` that it does not carry yet; `pick(tag)` runs on a tap (as a
    button's callback, before the page is drawn again)."""
    if not text.strip():
        return
    have = set(base.tags.canonical(carried))
    found = [s for s in base.tags.suggest(text, exclude=exclude) if s.tag not in have]
    if not found:
        return
    words = ui()
    ids = list(dict.fromkeys(i for s in found for i in s.neighbours[:3]))
    titles = {i.id: title_of(i) for i in base.insights.insights_by_id(ids)}
    st.markdown(_("**Suggested tags** — from the most similar tagged insights"))
    for suggestion in found:
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.button(
            "#" + escape_markdown(suggestion.tag),
            key=f"{key}-{suggestion.tag}",
            icon=":material/add:",
            on_click=pick,
            args=(suggestion.tag,),
            width="stretch",
        )
        said = words.plural(
            "{count} of the {of} most similar tagged insights has it:",
            "{count} of the {of} most similar tagged insights have it:",
            len(suggestion.neighbours),
            of=words.number(suggestion.of),
        )
        links = [
            f"[{escape_markdown(short(titles[i]))}](?insight={i})"
            for i in suggestion.neighbours[:3]
            if i in titles
        ]
        right.caption(said + " " + " · ".join(links))


def short(title: str, limit: int = 40) -> str:
    """A title cut to fit beside a button."""
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"
