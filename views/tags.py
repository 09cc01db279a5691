"""Tags: the governed tag set (groups, descriptions, Finnish and English synonyms), the free
tags people added, and for researchers and admins new tags, edits, rename, merge and delete;
the tag board (tags x studies, segments, journey stages or months) in its own tab."""

import pandas as pd
import streamlit as st

from insights import OivallusError
from language.text import escape_markdown
from views.common import attempt, kb, may
from views.i18n import _, error_text, ui
from views.tag_board import tag_board

base = kb()
words = ui()
st.title(_("Tags"))
tag_set, board = st.tabs([_("Tag set"), _("Tag board")])


def hashed(names: list[str]) -> str:
    """Tags as the cards show them (#delivery #toimitus)."""
    return " ".join("#" + n for n in names)


def show_set() -> None:
    """The set as a table, and the free tags with how many insights carry each."""
    tags = base.tags.tag_set()
    if not tags:
        st.info(
            _(
                "No tag set yet: every tag is a free tag. Researchers create tags here or "
                "promote a free tag below, with a group, a description and synonyms."
            )
        )
    else:
        st.caption(
            _(
                "A tag entered as one of its synonyms, in any case, is stored under the tag's "
                "name; a search on a tag finds its synonyms too."
            )
        )
        table = pd.DataFrame(
            {
                _("Tag"): ["#" + t.name for t in tags],
                _("Group"): [t.group for t in tags],
                _("Synonyms in Finnish"): [", ".join(t.synonyms_fi) for t in tags],
                _("Synonyms in English"): [", ".join(t.synonyms_en) for t in tags],
                _("Earlier names"): [", ".join(t.synonyms_other) for t in tags],
                _("Description"): [t.description for t in tags],
                _("Insights"): [t.uses for t in tags],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
    free = base.tags.free_tags()
    st.subheader(_("Free tags"), anchor=False)
    if not free:
        st.caption(_("No free tags: every tag insights carry is in the set."))
    else:
        st.caption(
            _(
                "Tags insights carry that are not in the set. Researchers promote them into "
                "the set or merge them into a tag of it."
            )
        )
        st.markdown(
            escape_markdown(" · ".join(f"#{f.name} ({words.number(f.uses)})" for f in free[:60]))
        )


def tag_fields(key: str, tag=None) -> dict:
    """The group, description and synonyms of a tag as a form asks them."""
    c1, c2 = st.columns(2)
    group = c1.text_input(_("Group"), value=tag.group if tag else "", key=f"{key}_group")
    description = c2.text_input(
        _("Description"), value=tag.description if tag else "", key=f"{key}_description"
    )
    c1, c2 = st.columns(2)
    finnish = c1.text_input(
        _("Synonyms in Finnish"),
        value=", ".join(tag.synonyms_fi) if tag else "",
        placeholder=_("comma, separated"),
        key=f"{key}_fi",
    )
    english = c2.text_input(
        _("Synonyms in English"),
        value=", ".join(tag.synonyms_en) if tag else "",
        placeholder=_("comma, separated"),
        key=f"{key}_en",
    )
    return {
        "group": group,
        "description": description,
        "synonyms_fi": finnish,
        "synonyms_en": english,
    }


def done(message: str) -> None:
    st.session_state["tags_done"] = message
    st.rerun()


def curate() -> None:
    """New tag (or promote a free tag), edit, rename, merge, delete: researchers and admins."""
    st.subheader(_("Curate the tag set"), anchor=False)
    tags = base.tags.tag_set()
    names = [t.name for t in tags]
    free = [f.name for f in base.tags.free_tags()]
    new, edit, rename, merge, delete = st.tabs(
        [_("New tag"), _("Edit"), _("Rename"), _("Merge"), _("Delete")]
    )
    with new, st.form("tag_new", clear_on_submit=False):
        name = st.text_input(
            _("Name *"),
            help=_("A free tag's name takes it into the set, with the insights carrying it."),
            key="tag_new_name",
        )
        values = tag_fields("tag_new")
        if st.form_submit_button(_("Add to the tag set"), type="primary"):
            write = base.tags.promote if name.strip().lower() in free else base.tags.create
            try:
                created = write({"name": name, **values})
            except OivallusError as error:
                st.error(escape_markdown(error_text(error)))
            else:
                done(_("Added #{name} to the tag set.", name=escape_markdown(created.name)))
    if not names:
        for tab in (edit, rename, merge, delete):
            tab.caption(_("No tag set yet: add the first tag."))
    else:
        edit_tab(edit, tags)
        rename_tab(rename, names)
        delete_tab(delete, tags)
    merge_tab(merge, names, free)


def edit_tab(place, tags) -> None:
    with place:
        chosen = st.selectbox(_("Tag"), [t.name for t in tags], key="tag_edit_pick")
        tag = next(t for t in tags if t.name == chosen)
        with st.form(f"tag_edit_{tag.id}"):
            values = tag_fields(f"tag_edit_{tag.id}", tag)
            if st.form_submit_button(_("Save"), type="primary") and attempt(
                base.tags.update, tag.name, {"name": tag.name, **values}
            ):
                done(_("Saved #{name}.", name=escape_markdown(tag.name)))


def rename_tab(place, names: list[str]) -> None:
    with place, st.form("tag_rename"):
        old = st.selectbox(_("Tag"), names, key="tag_rename_pick")
        new = st.text_input(_("New name"), key="tag_rename_new")
        st.caption(
            _("Every insight carrying it follows; the old name stays as a synonym of the tag.")
        )
        if st.form_submit_button(_("Rename"), type="primary") and attempt(
            base.tags.rename, old, new
        ):
            done(
                _(
                    "Renamed #{old} to #{new}.",
                    old=escape_markdown(old),
                    new=escape_markdown(new.strip().lower()),
                )
            )


def merge_tab(place, names: list[str], free: list[str]) -> None:
    with place:
        if not names:
            return
        with st.form("tag_merge"):
            c1, c2 = st.columns(2)
            source = c1.selectbox(_("Tag"), [*free, *names], key="tag_merge_source")
            target = c2.selectbox(_("Into"), names, key="tag_merge_target")
            st.caption(
                _(
                    "Every insight carrying the first tag carries the second instead, in one "
                    "step; the first tag and its synonyms become synonyms of the second."
                )
            )
            if st.form_submit_button(_("Merge"), type="primary") and attempt(
                base.tags.merge, source, target
            ):
                done(
                    _(
                        "Merged #{source} into #{target}.",
                        source=escape_markdown(source),
                        target=escape_markdown(target),
                    )
                )


def delete_tab(place, tags) -> None:
    with place, st.form("tag_delete"):
        chosen = st.selectbox(_("Tag"), [t.name for t in tags], key="tag_delete_pick")
        st.caption(_("The tag leaves the set with its synonyms; insights keep it as a free tag."))
        if st.form_submit_button(_("Delete"), type="primary") and attempt(base.tags.delete, chosen):
            done(_("Took #{name} out of the tag set.", name=escape_markdown(chosen)))


with tag_set:
    message = st.session_state.pop("tags_done", None)
    if message:
        st.success(message)  # its values escaped where it was said
    show_set()
    if may("researcher"):
        curate()
    else:
        st.caption(_("Researchers and admins curate the tag set; anyone may add free tags."))
with board:
    tag_board(base)
