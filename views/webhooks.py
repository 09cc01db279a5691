"""Webhooks (admins): register a URL told of events (JSON signed for a program, or a message
to a Slack or Teams channel), see its signing secret once, its delivery log, and why a hook
was turned off; turn one off or on, delete it."""

import pandas as pd
import streamlit as st

from insights.webhooks import DISABLE_AFTER
from language.text import escape_markdown
from views.chat_settings import CHAT_KINDS
from views.common import attempt, kb, may
from views.i18n import N_, _, language_names, named, ui

EVENT_NAMES = {
    "insight.added": N_("an insight is added"),
    "question.asked": N_("a question is asked"),
    "question.answered": N_("a question is answered"),
    "question.evidence": N_("a question gets new evidence"),
    "import.finished": N_("an import is finished"),
}
KIND_NAMES = {
    "json": N_("JSON for a program (signed)"),
    "slack": N_("Slack channel (incoming webhook)"),
    "teams": N_("Teams channel (Workflows webhook)"),
}
STATE_NAMES = {
    "waiting": N_("waiting"),
    "delivered": N_("delivered"),
    "failed": N_("given up"),
}

base = kb()
words = ui()
st.title(_("Webhooks"))
if not may("admin"):
    st.error(_("This page is for admins."))
    st.stop()
st.caption(
    _(
        "A webhook tells another tool or a chat channel when something happens here. The "
        "address must be https and public. Each delivery is signed: the header "
        "X-Oivallus-Signature is HMAC-SHA256 of the timestamp, a dot and the body."
    )
)

shown = st.session_state.pop("new-webhook", None)
if shown:  # made a moment ago: the only time the secret is ever shown
    st.success(
        _(
            "The webhook {name} was added. Copy its signing secret now: it is not shown again.",
            name=escape_markdown(shown[0]),
        )
    )
    st.code(shown[1], language=None)

hooks = base.webhooks.hooks()
for hook in hooks:
    if not hook.enabled and hook.failures >= DISABLE_AFTER:
        st.warning(
            _(
                "The webhook {name} was turned off after {count} failed tries in a row. Check "
                "the receiver, then turn it on again.",
                name=escape_markdown(hook.name),
                count=words.number(hook.failures),
            )
        )

with st.form("new-webhook-form", clear_on_submit=True):
    st.subheader(_("Add a webhook"))
    name = st.text_input(_("Name"), max_chars=100, key="hook-name")
    url = st.text_input(_("Address (https://...)"), max_chars=2000, key="hook-url")
    kind = st.selectbox(_("Kind"), list(KIND_NAMES), format_func=named(KIND_NAMES), key="hook-kind")
    events = st.multiselect(
        _("Tell when"),
        list(EVENT_NAMES),
        default=list(EVENT_NAMES),
        format_func=named(EVENT_NAMES),
        key="hook-events",
    )
    languages = language_names()
    language = st.selectbox(
        _("Language of the messages"),
        list(languages),
        index=list(languages).index(words.code) if words.code in languages else 0,
        format_func=lambda code: languages[code],
        key="hook-language",
    )
    private = st.checkbox(
        _("Allow private addresses (a receiver inside the company network)"), key="hook-private"
    )
    if st.form_submit_button(_("Add webhook"), type="primary"):
        made: list = []
        wanted = {
            "name": name,
            "url": url,
            "kind": kind,
            "events": events,
            "language": language,
            "allow_private": private,
        }
        if attempt(lambda: made.extend(base.webhooks.register(wanted))):
            st.session_state["new-webhook"] = (made[0].name, made[1])
            st.rerun()

st.subheader(_("Webhooks"))
if not hooks:
    st.info(_("No webhooks yet."))
for hook in hooks:
    state = _("on") if hook.enabled else _("off")
    with st.expander(f"{hook.name} · {named(KIND_NAMES)(hook.kind)} · {state}"):
        st.text(hook.url)
        st.caption(", ".join(named(EVENT_NAMES)(e) for e in hook.events))
        left, right = st.columns(2)
        flip = _("Turn off") if hook.enabled else _("Turn on")
        if left.button(flip, key=f"flip-{hook.id}") and attempt(
            base.webhooks.set_enabled, hook.id, not hook.enabled
        ):
            st.rerun()
        if right.button(_("Delete"), key=f"delete-{hook.id}") and attempt(
            base.webhooks.delete, hook.id
        ):
            st.rerun()
        log = base.webhooks.deliveries(hook.id)
        if not log:
            st.caption(_("Nothing sent yet."))
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            _("when"): words.moment(d.last_at or d.created_at),
                            _("event"): named(EVENT_NAMES)(d.event),
                            _("state"): named(STATE_NAMES)(d.state),
                            _("tries"): d.attempts,
                            _("answer"): f"{d.last_status or ''} {d.last_response or ''}".strip(),
                        }
                        for d in log
                    ]
                ),
                hide_index=True,
            )

chats = base.webhooks.personal()
if chats:
    st.subheader(_("People's own chats"))
    st.caption(
        _(
            "People who get their For you items in their own Slack or Teams chat. Only they "
            "see its address or change it; you may remove one."
        )
    )
for chat in chats:
    left, right = st.columns([5, 1], vertical_alignment="center")
    state = _("on") if chat.enabled else _("off")
    owner = escape_markdown(chat.owner or "")
    left.markdown(f"**{owner}** · {named(CHAT_KINDS)(chat.kind)} · `{chat.url}` · {state}")
    if right.button(_("Remove"), key=f"remove-chat-{chat.id}") and attempt(
        base.webhooks.delete, chat.id
    ):
        st.rerun()
