"""'Send these to my chat' on the For you page: a person connects their own Slack or Teams
incoming webhook (insights/personal_chat.py), chooses each new item or a daily summary, sends
a test message, turns it off or on, or disconnects it."""

from __future__ import annotations

import streamlit as st

from insights.webhooks import DISABLE_AFTER, address_host
from views.common import attempt
from views.i18n import N_, _, named, ui

CHAT_KINDS = {"slack": N_("Slack"), "teams": N_("Microsoft Teams")}
CADENCES = {"each": N_("each new item"), "daily": N_("a daily summary")}


def chat_section(base) -> None:
    """The person's own chat: connect it, or its state and what can be done with it."""
    words = ui()
    hook = base.chat.mine()
    with st.expander(_("Send these to my chat"), expanded=hook is not None):
        if hook is None:
            _connect_form(base, words.code)
            return
        place = named(CHAT_KINDS)(hook.kind)
        if hook.enabled:
            st.markdown(
                _(
                    "Your For you items go to your {place} chat ({address}): {cadence}.",
                    place=place,
                    address=address_host(hook.url),
                    cadence=named(CADENCES)(hook.cadence or "each"),
                )
            )
        elif hook.failures >= DISABLE_AFTER:
            st.warning(
                _(
                    "Your chat was turned off after {count} failed tries in a row. Check the "
                    "address, send a test message, then turn it on again.",
                    count=words.number(hook.failures),
                )
            )
        else:
            st.markdown(_("Your chat is turned off: nothing is sent to it."))
        cadence = st.radio(
            _("Send"),
            list(CADENCES),
            index=list(CADENCES).index(hook.cadence or "each"),
            format_func=named(CADENCES),
            horizontal=True,
            key="chat-cadence",
        )
        if cadence != hook.cadence and attempt(base.chat.set_cadence, cadence):
            st.rerun()
        test, flip, remove = st.columns(3)
        if test.button(_("Send a test message"), key="chat-test"):
            answer = base.chat.send_test()
            if answer.ok:
                st.success(_("Sent: look in your chat."))
            else:
                st.error(
                    _(
                        "Not sent: the chat answered {answer}. Check the address.",
                        answer=f"{answer.status or ''} {answer.text}".strip()[:200],
                    )
                )
        label = _("Turn off") if hook.enabled else _("Turn on")
        if flip.button(label, key="chat-flip") and attempt(base.chat.set_enabled, not hook.enabled):
            st.rerun()
        if remove.button(_("Disconnect"), key="chat-remove") and attempt(base.chat.disconnect):
            st.rerun()


def _connect_form(base, language: str) -> None:
    st.caption(
        _(
            "Get your For you items in your own Slack or Teams chat. In Slack, make an incoming "
            "webhook for your direct messages or a private channel; in Teams, make a Workflows "
            "flow 'Post to a chat when a webhook request is received'. Paste its address here: "
            "keep it to yourself, it lets anyone post to that chat."
        )
    )
    with st.form("chat-form", clear_on_submit=True):
        url = st.text_input(
            _("Webhook address (https://...)"), max_chars=2000, type="password", key="chat-url"
        )
        kind = st.selectbox(
            _("Chat"), list(CHAT_KINDS), format_func=named(CHAT_KINDS), key="chat-kind"
        )
        cadence = st.radio(
            _("Send"), list(CADENCES), format_func=named(CADENCES), key="chat-new-cadence"
        )
        if st.form_submit_button(_("Connect"), type="primary"):
            wanted = {"url": url, "kind": kind, "cadence": cadence}
            if attempt(base.chat.connect, wanted, language):
                st.rerun()
