"""The insight form of Add and Edit: one set of fields, read back as one InsightIn."""

from datetime import date

import streamlit as st
from pydantic import ValidationError

from insights import Insight, InsightIn
from language.text import escape_markdown
from views.i18n import KIND_NAMES, N_, SENTIMENT_NAMES, SOURCE_NAMES, _, error_text, named, ui
from vocabulary.errors import describe_validation_error
from vocabulary.knowledge import Kind, Sentiment, Source

NONE = "—"
LISTS = (
    (N_("Segment"), "segment"),
    (N_("Touchpoint"), "touchpoint"),
    (N_("Journey stage"), "journey_stage"),
    (N_("Channel"), "channel"),
)


def _pick(
    column,
    label: str,
    options: list[str],
    current: str | None,
    key: str,
    names: dict[str, str] | None = None,
) -> str | None:
    """A choice from a list, or none; a value no longer on the list stays choosable; `names`
    shows stored English values in the person's language."""
    if current and current not in options:
        options = [*options, current]
    choices = [NONE, *options]
    chosen = column.selectbox(
        label,
        choices,
        index=choices.index(current) if current else 0,
        key=key,
        format_func=named(names or {}),
    )
    return None if chosen == NONE else chosen


def insight_fields(
    base,
    key: str,
    initial: Insight | None = None,
    author: str = "",
    team: str = "",
    text_label: str | None = None,
) -> dict:
    """Draw the fields of an insight inside the caller's `st.form` (widget keys start with
    `key`), filled from `initial` when editing; returns what they hold, for `draft()`.
    `text_label` is already in the person's language (default: "What did you learn? *")."""
    studies = {s.title: s.id for s in base.catalog.studies()}
    text = st.text_area(
        text_label or _("What did you learn? *"),
        value=initial.text if initial else "",
        height=120 if initial is None else 150,
        key=f"{key}_text",
        placeholder=_(
            "e.g. Three customers in a row could not find the discount code field at checkout."
        ),
    )
    c1, c2, c3 = st.columns(3)
    title = c1.text_input(
        _("Title"), value=(initial.title or "") if initial else "", key=f"{key}_title"
    )
    kinds, sources = [k.value for k in Kind], [s.value for s in Source]
    kind = c2.selectbox(
        _("Kind"),
        kinds,
        index=kinds.index(initial.kind) if initial else 0,
        key=f"{key}_kind",
        format_func=named(KIND_NAMES),
    )
    source = c3.selectbox(
        _("Source"),
        sources,
        index=sources.index(initial.source) if initial else 0,
        key=f"{key}_source",
        format_func=named(SOURCE_NAMES),
    )
    values: dict = {"text": text, "title": title, "kind": kind, "source": source}
    columns = st.columns(2)
    for position, (label, field) in enumerate(LISTS):
        current = getattr(initial, field) if initial else None
        widget = f"{key}_{'stage' if field == 'journey_stage' else field}"
        values[field] = _pick(
            columns[position % 2], _(label), base.catalog.choices(field), current, widget
        )
    c1, c2, c3 = st.columns(3)
    values["sentiment"] = _pick(
        c1,
        _("Sentiment"),
        [s.value for s in Sentiment],
        initial.sentiment if initial else None,
        f"{key}_sentiment",
        SENTIMENT_NAMES,
    )
    observed = initial.observed_at if initial else date.today()
    values["observed_at"] = c2.date_input(
        _("Observed on"), value=observed, key=f"{key}_observed", format=ui().date_input_format
    )
    by_id = {v: k for k, v in studies.items()}
    study = _pick(
        c3,
        _("Study"),
        list(studies),
        by_id.get(initial.study_id) if initial and initial.study_id else None,
        f"{key}_study",
    )
    values["study_id"] = studies.get(study) if study else None
    c1, c2, c3 = st.columns(3)
    tags = c1.text_input(
        _("Tags"),
        value=", ".join(initial.tags) if initial else "",
        key=f"{key}_tags",
        placeholder=_("comma, separated"),
    )
    values["tags"] = [t.strip() for t in tags.split(",") if t.strip()]
    values["author"] = c2.text_input(
        _("Author"), value=(initial.author or "") if initial else author, key=f"{key}_author"
    )
    values["team"] = c3.text_input(
        _("Team"), value=(initial.team or "") if initial else team, key=f"{key}_team"
    )
    values["source_url"] = st.text_input(
        _("Source address"),
        value=(initial.source_url or "") if initial else "",
        key=f"{key}_source_url",
        placeholder=_("e.g. https://example.com/page"),
        help=_("The web page it came from (an https:// or http:// address)"),
    )
    return values


def draft(values: dict, initial: Insight | None = None, where=st) -> InsightIn | None:
    """The InsightIn the form's values make (an edit keeps the fields the form does not show,
    and its language is detected afresh); None after showing in `where` what to fix."""
    data = initial.model_dump(include=set(InsightIn.model_fields)) if initial else {}
    data |= values | ({"language": None} if initial else {})
    try:
        return InsightIn.model_validate(data)
    except ValidationError as error:
        where.error(error_text(describe_validation_error(error)))
        return None


# The fields as the conflict panel names them.
LABELS = {
    "text": N_("Text"),
    "title": N_("Title"),
    "kind": N_("Kind"),
    "source": N_("Source"),
    "segment": N_("Segment"),
    "touchpoint": N_("Touchpoint"),
    "journey_stage": N_("Journey stage"),
    "channel": N_("Channel"),
    "sentiment": N_("Sentiment"),
    "observed_at": N_("Observed on"),
    "study_id": N_("Study"),
    "tags": N_("Tags"),
    "author": N_("Author"),
    "team": N_("Team"),
    "external_id": N_("External id"),
    "source_url": N_("Source address"),
}
VALUE_NAMES = {"kind": KIND_NAMES, "source": SOURCE_NAMES, "sentiment": SENTIMENT_NAMES}


def _shown(name: str, value) -> str:
    """A field's value as the conflict panel shows it, in the person's language."""
    if isinstance(value, list):
        return ", ".join(map(str, value)) or NONE
    if value in (None, ""):
        return NONE
    if isinstance(value, date):
        return ui().day(value)
    return named(VALUE_NAMES.get(name, {}))(value)


def stage_suggestion(base, insight: Insight, where=st) -> None:
    """For an insight without a journey stage: the stage its nearest staged insights agree on,
    with Accept (only for those who may edit it; nothing when no stage is suggested)."""
    from views.common import allowed, attempt

    if insight.journey_stage or insight.deleted_at:
        return
    if not allowed(base.curation.edit, insight.id, None):
        return
    suggestion = base.curation.suggest_stage(insight.id)
    if suggestion is None:
        return
    words = ui()
    with where.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(
            words.plural(
                "**Suggested journey stage: {stage}** — {count} of the {of} most similar "
                "insights with a stage is there.",
                "**Suggested journey stage: {stage}** — {count} of the {of} most similar "
                "insights with a stage are there.",
                len(suggestion.neighbours),
                stage=escape_markdown(suggestion.stage),
                of=words.number(suggestion.of),
            )
        )
        if right.button(_("Accept"), key="accept-stage", type="primary"):
            changes = draft({"journey_stage": suggestion.stage}, insight)
            if changes is not None and attempt(
                base.curation.edit, insight.id, changes, expected_version=insight.version
            ):
                st.rerun()


def _fields(insight: Insight) -> dict:
    return insight.model_dump(mode="json", include=set(InsightIn.model_fields))


def _forget_widgets(key: str) -> None:
    """Drop the form's widget states, so that it is drawn afresh from its starting values."""
    for name in [k for k in st.session_state if str(k).startswith(f"{key}_")]:
        del st.session_state[name]


def edit_form(base, insight: Insight) -> None:
    """The Edit form of an insight with optimistic concurrency: it remembers the version it
    loaded and saves against it; when someone saved meanwhile it shows what differs (theirs
    against mine) and offers "Reload theirs" and "Merge" (insights/rules/conflicts.py)."""
    from views.common import attempt
    from vocabulary.errors import EditConflict

    memo = f"editing{insight.id}"
    state = st.session_state.get(memo)
    # Reload and Merge draw a new form (new widget keys): a browser keeps a widget's value
    # under its old key, whatever the server forgets.
    generation = state.get("generation", 0) if state else 0
    key = f"edit{insight.id}g{generation}"
    fresh = f"{key}_text" not in st.session_state  # no form alive: drawn from the insight
    if state is None or (fresh and not state.pop("redraw", False)):
        state = st.session_state[memo] = {"version": insight.version, "generation": generation}
    state.setdefault("loaded", _fields(insight))  # what the form began from
    start = InsightIn.model_validate(state["start"]) if "start" in state else None
    conflict = state.get("conflict")
    opened = conflict is not None or start is not None or state.get("open", False)
    with st.expander(_("Edit"), expanded=opened):
        if conflict is not None:
            _conflict_panel(insight, state, conflict, key)
        my_text = state.get("my_text")
        if my_text:
            st.info(
                _(
                    "Merged: their version, your tags and the fields only you changed. Save to "
                    "store it. Your text, to re-apply where you want it:"
                )
            )
            st.text(my_text)
        began = InsightIn.model_validate(state["loaded"])
        shown = insight.model_copy(update=(start or began).model_dump())
        with st.form("edit"):
            values = insight_fields(base, key, shown, text_label=_("Text"))
            if not st.form_submit_button(_("Save changes"), type="primary"):
                return
        changes = draft(values, shown)
        if changes is None:
            return
        refused: list[EditConflict] = []

        def save() -> None:
            try:
                base.curation.edit(insight.id, changes, expected_version=state["version"])
            except EditConflict as error:
                refused.append(error)

        if attempt(save):
            if refused:
                state["conflict"] = {
                    "message": error_text(refused[0]),
                    "mine": changes.model_dump(mode="json"),
                    "started": state["loaded"],
                }
            else:
                st.session_state.pop(memo, None)
                _forget_widgets(key)
            st.rerun()


def _conflict_panel(insight: Insight, state: dict, conflict: dict, key: str) -> None:
    """What changed (theirs against mine), with "Reload theirs" and "Merge"."""
    from insights.rules.conflicts import differences, merge_edit

    st.error(conflict["message"])
    mine = InsightIn.model_validate(conflict["mine"])
    st.markdown(
        _(
            "**What differs** (theirs: version {version}; yours: this form)",
            version=insight.version,
        )
    )
    for name, theirs_value, my_value in differences(insight, mine):
        st.caption(_(LABELS[name]) if name in LABELS else name.replace("_", " ").capitalize())
        left, right = st.columns(2)
        left.text(_("Theirs: {value}", value=_shown(name, theirs_value)))
        right.text(_("Yours: {value}", value=_shown(name, my_value)))
    reload, merge = st.columns(2)
    if reload.button(_("Reload theirs"), key=f"{key}-reload", help=_("Discard my changes")):
        st.session_state[f"editing{insight.id}"] = {
            "version": insight.version,
            "loaded": _fields(insight),
            "open": True,
            "redraw": True,
            "generation": state.get("generation", 0) + 1,
        }
        _forget_widgets(key)
        st.rerun()
    if merge.button(
        _("Merge"),
        key=f"{key}-merge",
        type="primary",
        help=_("Tags of both; their text and fields, with my changes to fields they left alone"),
    ):
        merged = merge_edit(conflict["started"], insight, mine)
        generation = state.get("generation", 0) + 1
        state.clear()
        state.update(
            generation=generation,
            version=merged.version,
            start=merged.draft.model_dump(mode="json"),
            loaded=_fields(insight),
            my_text=merged.my_text,
            redraw=True,
        )
        _forget_widgets(key)
        st.rerun()
