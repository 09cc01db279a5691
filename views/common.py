"""What the pages share: the cached KnowledgeBase and small rendering helpers."""

from __future__ import annotations

import time

import streamlit as st

from insights import Insight, KnowledgeBase
from insights.people import People
from insights.runtime.startup import Opening, Openings, default_target
from language.text import escape_markdown
from views.i18n import (
    KIND_NAMES,
    N_,
    SENTIMENT_NAMES,
    SOURCE_NAMES,
    SPEAKER_ROLE_NAMES,
    _,
    error_text,
    named,
    ui,
)
from vocabulary.documents import Speaker
from vocabulary.errors import NotFound, OivallusError
from vocabulary.people import Role, User

PAGE_SIZE = 10


def db_path() -> str:
    """The database file: $OIVALLUS_DB, else data/oivallus.duckdb."""
    return default_target()


OPENINGS = Openings()
"""The app process's knowledge bases, one per file: every session's pages and the jobs beside
them (started by views/serve.py's lifespan, which closes these as the server stops) share it.
A test of the pages opens its file here first, with the embedder it wants."""


def get_opening(path: str) -> Opening:
    """One knowledge base file per process (from `OPENINGS`): its accounts at once (the sign-in
    page never waits for the model), the KnowledgeBase loading in the background."""
    return OPENINGS.open(path)


def get_kb(path: str | None = None) -> KnowledgeBase:
    """The process's KnowledgeBase; on the first start, waits for the model and the index to
    load with a message (and a bar while a changed model re-embeds the stored insights)."""
    opening = get_opening(path or db_path())
    if not opening.ready:
        note = st.empty()
        while not opening.wait(0.5):
            done, total = opening.progress
            seconds = time.monotonic() - opening.started
            if total:
                note.progress(
                    done / total,
                    text=_(
                        "Re-embedding insights for the model in use: {done} of {total}",
                        done=ui().number(done),
                        total=ui().number(total),
                    ),
                )
            else:
                note.info(
                    _(
                        "Oivallus is loading its language model and index ({seconds} s; only "
                        "after a restart).",
                        seconds=ui().number(seconds, 0),
                    ),
                    icon=":material/hourglass_top:",
                )
        note.empty()
    return opening.knowledge_base()


def accounts() -> People:
    """Accounts and sessions (the People service acting as the system: signing in), usable
    before the KnowledgeBase has loaded."""
    return get_opening(db_path()).people


def session_id() -> str | None:
    """This browser session's id in Streamlit (the key of its uploads), None outside a run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context else None


def current_user() -> User | None:
    """The signed-in person (None before sign-in)."""
    username = st.session_state.get("user")
    if not username:
        return None
    try:
        user = accounts().user(username)
    except NotFound:  # the account was removed meanwhile
        return None
    return None if user.disabled_at else user


def kb() -> KnowledgeBase:
    """The app's KnowledgeBase, acting as the signed-in person: writes are checked against
    their role and recorded in the audit log under their name."""
    return get_kb(db_path()).acting_as(current_user())


def person() -> str | None:
    """The signed-in person's username (their id for votes and history)."""
    user = current_user()
    return user.username if user else None


def display_name() -> str | None:
    """The signed-in person's name as others read it (the default author)."""
    user = current_user()
    return user.display_name if user else None


def team() -> str | None:
    """The signed-in person's team."""
    user = current_user()
    return user.team if user else None


def my_names() -> list[str]:
    """The author names that mean the signed-in person (their display name and username)."""
    user = current_user()
    if user is None:
        return []
    return list(dict.fromkeys(n for n in (user.display_name, user.username) if n))


def may(role: str) -> bool:
    """Whether the signed-in person has at least this role (to hide what they cannot do)."""
    from insights.acting import RANK

    user = current_user()
    return user is not None and RANK[Role(user.role)] >= RANK[Role(role)]


def allowed(write, *args, **kwargs) -> bool:
    """Whether the signed-in person may do this write, a service's method such as
    `kb().curation.edit` (see KnowledgeBase.allows)."""
    return kb().allows(write, *args, **kwargs)


def attempt(action, *args, **kwargs) -> bool:
    """Do a write; a refusal or bad input shows its message where the control is, and the rest
    of the page stays (a refused Dismiss once blanked everything below it)."""
    from insights.acting import PermissionDenied

    try:
        action(*args, **kwargs)
    except PermissionDenied as error:
        st.error(
            _(
                "{error}. Ask an admin for another role if you need it.",
                error=escape_markdown(error_text(error)),
            )
        )
        return False
    except OivallusError as error:
        st.error(escape_markdown(error_text(error)))
        return False
    return True


def title_of(insight: Insight) -> str:
    """A one-line title: the given title or the start of the text."""
    if insight.title:
        return insight.title
    first = insight.text.split("\n", 1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"


def own_title(insight: Insight) -> str | None:
    """The insight's given title, unless it only repeats the start of its text (a card that
    shows both would say the same thing twice)."""
    title = (insight.title or "").strip()
    if not title:
        return None
    start = " ".join(insight.text.split())[: len(title) + 5].lower()
    return None if start.startswith(title.rstrip(".…").lower()) else title


def highlighted(pieces: list[tuple[str, bool]]) -> str:
    """Markdown for a snippet: escaped text with the matches in bold."""
    return "".join(
        f"**{escape_markdown(p)}**" if match else escape_markdown(p) for p, match in pieces
    ).replace("\n", " ")


def speaker_name(speaker: Speaker, names_allowed: bool = False) -> str:
    """Who said it: role and pseudonym ("Participant 1", "Osallistuja 1"), or the speaker's
    name where the researcher allowed names."""
    name = speaker.name or speaker.label
    if names_allowed and name:
        return name
    role = named(SPEAKER_ROLE_NAMES)(speaker.role)
    return _("{role} {number}", role=role, number=speaker.pseudonym)


def metadata_line(insight: Insight) -> str:
    """Escaped Markdown caption with the insight's metadata (who said it, when it comes from a
    transcript; its kind, source and sentiment in the person's language, its date as they write
    dates)."""
    parts = [named(KIND_NAMES)(insight.kind).lower(), named(SOURCE_NAMES)(insight.source).lower()]
    said = kb().documents.speakers_of([insight.id]).get(insight.id)
    if said is not None:
        parts.insert(0, speaker_name(*said))
    sentiment = named(SENTIMENT_NAMES)(insight.sentiment).lower() if insight.sentiment else None
    for value in (
        insight.segment,
        insight.touchpoint,
        insight.journey_stage,
        insight.channel,
        sentiment,
        insight.team,
    ):
        if value:
            parts.append(value)
    if insight.observed_at:
        parts.append(ui().day(insight.observed_at))
    if insight.tags:
        parts.append(" ".join("#" + t for t in insight.tags))
    parts.append(f"#{insight.id}")
    return escape_markdown(" · ".join(parts))


def card_heading(column, insight: Insight, badge: str = "", score: float | None = None) -> None:
    """An insight's escaped title (after an optional badge) and its metadata line."""
    column.markdown(f"{badge} **{escape_markdown(title_of(insight))}**".lstrip())
    scored = "" if score is None else " · " + _("score {score}", score=ui().number(score, 2))
    column.caption(metadata_line(insight) + scored)


def text_card(insight: Insight, limit: int = 400) -> None:
    """An insight's own title (if it has one that is not its text's start), its text and its
    metadata: the text is never shown twice."""
    title = own_title(insight)
    if title:
        st.markdown(f"**{escape_markdown(title)}**")
    text = insight.text if len(insight.text) <= limit else insight.text[: limit - 1] + "…"
    st.markdown(escape_markdown(text))
    st.caption(metadata_line(insight))


def choose_many(place, label: str, options, **more):
    """A multiselect in `place` (st, a column) whose empty box says "Choose" in the person's
    language (Streamlit's own placeholder is English)."""
    return place.multiselect(label, options, placeholder=_("Choose"), **more)


def open_link(insight_id: int, label: str | None = None) -> None:
    """A link to the insight page (a deep link the browser can copy); `label` is in the
    person's language already (default: "Open")."""
    st.page_link(
        "views/insight.py",
        label=label or _("Open"),
        icon=":material/open_in_new:",
        query_params={"insight": str(insight_id)},
    )


PERIODS = {  # English labels are the keys; people read them in their language
    N_("Last 30 days"): 30,
    N_("Last 90 days"): 90,
    N_("Last 12 months"): 365,
    N_("All time"): None,
}


def period_picker(column, key: str, default: str = "Last 90 days"):
    """A period ending today: returns (label, start, end); start and end are None for all time."""
    from datetime import date, timedelta

    label = column.selectbox(
        _("Period"),
        list(PERIODS),
        index=list(PERIODS).index(default),
        key=key,
        format_func=ui().text,  # bound to this run's language (a widget keeps its function)
    )
    days = PERIODS[label]
    if days is None:
        return label, None, None
    end = date.today()
    return label, end - timedelta(days=days - 1), end


def segment_picker(column, key: str) -> str | None:
    """A segment filter over the segments in use (None: all segments)."""
    values = kb().insights.filter_values("segment")
    every = _("All segments")
    return column.selectbox(
        _("Segment"),
        [None, *values],
        key=key,
        format_func=lambda value: every if value is None else value,
    )


def kpi_text(kpi) -> str:
    """'NPS 23 ± 9 (n = 120)' style text, or a dash without responses."""
    if kpi.score is None:
        return "—"
    digits = 1 if kpi.metric == "ces" else 0
    words = ui()
    score, margin = words.number(kpi.score, digits), words.number(kpi.margin, digits)
    return f"{score} ± {margin} (n = {words.number(kpi.n)})"


FOLLOWING = {  # kind -> (follow, unfollow) as the button says it
    "theme": (N_("Follow this theme"), N_("Unfollow this theme")),
    "question": (N_("Follow this question"), N_("Unfollow this question")),
    "segment": (N_("Follow the segment {name}"), N_("Unfollow the segment {name}")),
}


def follow_toggle(kind: str, target) -> None:
    """A button to follow (or stop following) a theme, question or segment for the digest."""
    base = kb()
    following = (kind, str(target)) in set(base.people.follows())
    follow, unfollow = FOLLOWING[kind]
    if st.button(
        _(unfollow if following else follow, name=str(target)),
        key=f"follow-{kind}-{target}",
        icon=":material/notifications:",
        help=_("What you follow goes into your weekly digest."),
    ):
        base.people.follow(kind, str(target), on=not following)
        st.rerun()


def account_menu(base) -> None:
    """A "My password" popover: current and new password; on success every session ends."""
    with st.popover(_("My password"), icon=":material/key:"), st.form("own-password"):
        current = st.text_input(_("Current password"), type="password")
        new = st.text_input(_("New password (at least 10 characters)"), type="password")
        again = st.text_input(_("New password again"), type="password")
        if st.form_submit_button(_("Change password")):
            if new != again:
                st.error(_("The two new passwords differ."))
                return
            try:
                base.people.change_password(current, new)
            except OivallusError as error:
                st.error(error_text(error))
                return
            st.session_state.pop("session", None)
            st.session_state.pop("user", None)
            st.session_state.signed_out = st.session_state.ended = True
            st.rerun()


PHONE_WIDTH = 768  # px: Streamlit's sidebar covers the page below this width


def close_sidebar_on_phones(page: str) -> None:
    """On a phone the sidebar covers the page and stays open after a page is chosen: close it
    once each time another page opens (a script in the page; wider screens keep it)."""
    # One slot on every run, filled only when the page changed: an element that comes and goes
    # above the page shifts the rest, and the browser shows the last run's elements twice
    # meanwhile (the Add page's similar insights were doubled).
    slot = st.empty()
    previous = st.session_state.get("last_page")
    st.session_state.last_page = page
    if previous is None or previous == page:  # a first visit opens with the sidebar shut
        return
    slot.html(  # tried a few times: the sidebar may still be opening on a slow phone
        "<script>const closeSidebar = () => { "
        f"if (window.innerWidth <= {PHONE_WIDTH}) {{ const close = "
        "document.querySelector('[data-testid=\"stSidebarCollapseButton\"] button'); "
        "if (close) close.click(); } }; "
        "[300, 1000, 2500].forEach(wait => setTimeout(closeSidebar, wait));</script>",
        unsafe_allow_javascript=True,
    )
