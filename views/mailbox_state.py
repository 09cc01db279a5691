"""Admin's Mailbox tab: whether the mailbox the app polls is set up, and how its polls went
(ingest/mailbox.py); the password is never shown."""

import streamlit as st

from ingest import mailbox
from language.text import escape_markdown
from views.i18n import _, error_text, ui
from vocabulary.errors import OivallusError


def show_mailbox(base) -> None:
    """The mailbox's settings (without the password) and its last polls."""
    words = ui()
    try:
        settings = mailbox.mailbox_settings()
    except OivallusError as error:
        st.error(_("The mailbox settings cannot be used: {problem}", problem=error_text(error)))
        return
    if settings is None:
        st.info(
            _(
                "No mailbox is set up. Add a [mailbox] section to .streamlit/secrets.toml (see "
                "the README) and restart the app: mail from a person whose e-mail address is "
                "set under People then becomes their insight."
            )
        )
        return
    st.caption(
        _(
            "The app reads {mailbox} on {host} ({folder}) every {minutes} minutes. Mail from a "
            "person whose e-mail address is set under People becomes their insight; other mail "
            "is left unread.",
            mailbox=escape_markdown(settings.username),
            host=escape_markdown(settings.host),
            folder=escape_markdown(settings.folder),
            minutes=words.number(settings.poll_minutes),
        )
    )
    if settings.allowed_domains:
        st.caption(
            _(
                "Only mail from these domains is read: {domains}",
                domains=escape_markdown(", ".join(settings.allowed_domains)),
            )
        )
    now = mailbox.state(base)
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Last read"), words.moment(now.last_poll) if now.last_poll else _("not yet"))
    c2.metric(_("Insights added"), words.number(now.added))
    c3.metric(
        _("Refused senders"),
        words.number(now.refused),
        help=_(
            "Unread messages from addresses that are no enabled person's (or not from an allowed "
            "domain) at the last read: left in the mailbox as they were."
        ),
    )
    if now.last_error:
        st.warning(
            _(
                "The last read failed ({when}): {error}",
                when=words.moment(now.last_error_at),
                error=escape_markdown(now.last_error),
            )
        )
