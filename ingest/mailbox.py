"""A mailbox the app polls: mail from known people becomes their insights.

Configured in .streamlit/secrets.toml (the jobs poll it; Admin shows how it went):

    [mailbox]
    host = "imap.example.com"
    port = 993                      # default: 993 with ssl, else 143
    username = "oivallus@example.com"
    password = "..."
    folder = "INBOX"                # default
    security = "ssl"                # ssl (default) | starttls | none (only to a loopback host)
    poll_minutes = 5                # default
    allowed_domains = ["example.com"]   # optional: other senders' mail is refused
    processed_folder = "Oivallus"   # optional: added mail is moved there (else marked read)
    authserv_id = "mx.example.com"  # optional: require dmarc=pass from this receiving server

Each unread message whose single From address is an enabled account's e-mail (case-insensitive)
becomes one insight added as that person (their role checks, audit, webhooks and "may answer"):
the subject its title, the message's own words (readers/mail.py) its text, source "e-mail", the
Message-ID its external id (never added twice). It is then marked read (or moved). Mail from
anyone else is left unread and counted as refused. A From address can be forged: see
`allowed_domains`, `authserv_id` and the README.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from ingest.digest import SECRETS, secrets_section
from insights.acting import PermissionDenied
from readers.mail import MailText, read_message
from vocabulary.errors import InvalidInput, OivallusError
from vocabulary.knowledge import MAX_SHORT_CHARS, MAX_TEXT_CHARS, InsightIn, Source

SECURITY = ("ssl", "starttls", "none")
MAX_MESSAGE_BYTES = 2_000_000  # read of one message at most (its text comes before attachments)
MAX_PER_POLL = 200  # messages added in one poll; the rest at the next
MAX_SCANNED = 10_000  # unread messages whose senders one poll looks at
_FROM_HEADER = "(UID BODY.PEEK[HEADER.FIELDS (FROM)])"
TIMEOUT_SECONDS = 30
log = logging.getLogger("oivallus.mailbox")
STATE = "mailbox:"  # the settings keys of the mailbox's state
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class MailboxSettings:
    """The [mailbox] section, checked."""

    host: str
    username: str
    password: str = field(repr=False)
    port: int = 993
    folder: str = "INBOX"
    security: str = "ssl"
    poll_minutes: float = 5.0
    allowed_domains: tuple[str, ...] = ()
    processed_folder: str | None = None
    authserv_id: str | None = None

    @classmethod
    def of(cls, section: dict) -> MailboxSettings:
        """Settings from a [mailbox] section; raises `InvalidInput` naming what is wrong."""
        for key in ("host", "username", "password"):
            if not str(section.get(key) or "").strip():
                raise InvalidInput("the [mailbox] section needs {field}", field=key)
        security = str(section.get("security", "ssl")).lower()
        if security not in SECURITY:
            raise InvalidInput("security must be ssl, starttls or none", field="security")
        host = str(section["host"]).strip()
        if security == "none" and not is_loopback(host):
            raise InvalidInput(
                "security none sends the password unencrypted: use ssl or starttls (none only "
                "for a server on this machine)",
                field="security",
            )
        domains = section.get("allowed_domains") or ()
        if isinstance(domains, str):
            domains = [domains]
        try:
            port = int(section.get("port") or (993 if security == "ssl" else 143))
            minutes = float(section.get("poll_minutes", 5))
        except (TypeError, ValueError):
            raise InvalidInput("port and poll_minutes must be numbers", field="port") from None
        return cls(
            host=host,
            username=str(section["username"]),
            password=str(section["password"]),
            port=port,
            folder=str(section.get("folder") or "INBOX"),
            security=security,
            poll_minutes=max(minutes, 0.1),
            allowed_domains=tuple(str(d).strip().lower().lstrip("@") for d in domains),
            processed_folder=section.get("processed_folder") or None,
            authserv_id=section.get("authserv_id") or None,
        )


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost or a loopback address)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mailbox_settings(path: Path | None = None) -> MailboxSettings | None:
    """The checked [mailbox] section of the secrets file, None without one; raises
    `InvalidInput` for a section that cannot be used."""
    section = secrets_section("mailbox", path or SECRETS)
    return None if section is None else MailboxSettings.of(section)


@dataclass
class PollReport:
    """What one poll did."""

    added: int = 0  # new insights
    known: int = 0  # already stored (the same Message-ID or the same text): marked read
    refused: int = 0  # from no enabled account (or not allowed): left unread
    cut: int = 0  # longer than an insight holds: cut, with a note
    skipped: int = 0  # no words and no subject, or not storable: marked read, nothing added


def connect(settings: MailboxSettings) -> imaplib.IMAP4:
    """A signed-in connection to the mailbox's server (TLS unless it is on loopback)."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    else:
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            imap.starttls(ssl_context=context)
    imap.login(settings.username, settings.password)
    return imap


def senders(kb) -> dict:
    """The enabled accounts by their e-mail address in lower case (an account without one, whose
    username is an address, by its username)."""
    found = {}
    for user in kb.people.users():
        address = (user.email or (user.username if "@" in user.username else "")).lower()
        if address and user.disabled_at is None:
            found[address] = user
    return found


def poll(kb, settings: MailboxSettings) -> PollReport:
    """Read the mailbox's unread mail once; each message from a known person becomes their
    insight (see the module's doc)."""
    report, people, done = PollReport(), senders(kb), list[str]()
    imap = connect(settings)
    try:
        typ, data = imap.capability()  # after signing in: MOVE and UIDPLUS may show only now
        abilities = set(data[0].decode().upper().split()) if typ == "OK" and data[0] else set()
        typ, _data = imap.select(_quoted(settings.folder))
        if typ != "OK":
            raise OSError(f"cannot open the folder {settings.folder}")
        typ, data = imap.uid("SEARCH", "UNSEEN")
        uids = [u.decode() for u in data[0].split()] if typ == "OK" and data and data[0] else []
        from_ = _senders_of(imap, uids[:MAX_SCANNED])
        for uid, sender in from_.items():
            person = people.get(sender or "")
            if person is None or not _allowed(sender or "", settings):
                report.refused += 1  # left unread, counted at every poll while it waits
                continue
            if len(done) >= MAX_PER_POLL:
                continue  # the next poll takes it
            mail = read_message(_fetch(imap, uid, f"BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>"))
            if mail.sender != sender or not authenticated(mail, settings.authserv_id):
                report.refused += 1
                continue
            if _add(kb.acting_as(person), person, mail, report):
                done.append(uid)
                _done(imap, uid, settings, abilities)
        if done and settings.processed_folder and {"MOVE", "UIDPLUS"} & abilities == {"UIDPLUS"}:
            imap.uid("EXPUNGE", ",".join(done))  # copied, so taken out here
        return report
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()


def _senders_of(imap: imaplib.IMAP4, uids: list[str]) -> dict[str, str | None]:
    """The From address of each message (by UID, in the mailbox's order), read from their
    headers a few hundred at a time: unread mail from strangers costs one line each."""
    found: dict[str, str | None] = {}
    for start in range(0, len(uids), 500):
        typ, data = imap.uid("FETCH", ",".join(uids[start : start + 500]), _FROM_HEADER)
        if typ != "OK":
            raise OSError("cannot read the messages' senders")
        for part in data or ():
            if isinstance(part, tuple) and (uid := re.search(rb"\bUID (\d+)", part[0])):
                found[uid.group(1).decode()] = read_message(part[1]).sender
    return {uid: found[uid] for uid in uids if uid in found}


def _add(kb, person, mail: MailText, report: PollReport) -> bool:
    """Add one message as `person`'s insight; False when their role may not add (refused)."""
    text = _CONTROL.sub(" ", mail.text) or _CONTROL.sub(" ", mail.subject)
    if not text.strip():
        report.skipped += 1
        return True
    if len(text) > MAX_TEXT_CHARS:
        keep = MAX_TEXT_CHARS - 80
        text = f"{text[:keep].rstrip()}\n\n[… {len(text) - keep} characters of the e-mail cut]"
        report.cut += 1
    try:
        item = InsightIn(
            text=text,
            title=_CONTROL.sub(" ", mail.subject)[:MAX_SHORT_CHARS] or None,
            source=Source.email,
            author=person.display_name,
            team=person.team,
            observed_at=mail.sent,
            external_id=_CONTROL.sub("", mail.message_id)[:MAX_SHORT_CHARS],
        )
        result = kb.insights.add(item)
    except PermissionDenied:
        report.refused += 1
        return False
    except (OivallusError, ValidationError) as error:  # read: it must not stop every later poll
        log.warning("mail %s could not be stored: %s", mail.message_id, error)
        report.skipped += 1
        return True
    if result.created:
        report.added += 1
    else:
        report.known += 1
    return True


def _allowed(sender: str, settings: MailboxSettings) -> bool:
    domain = sender.rpartition("@")[2]
    return not settings.allowed_domains or domain in settings.allowed_domains


def authenticated(mail: MailText, authserv_id: str | None) -> bool:
    """Whether the receiving server `authserv_id` says the message passed DMARC: the topmost
    Authentication-Results header it wrote (a sender's own headers lie below it). True when no
    server is named."""
    if authserv_id is None:
        return True
    for header in mail.authentication:
        if header.split(";", 1)[0].strip().lower() == authserv_id.lower():
            return re.search(r"\bdmarc\s*=\s*pass\b", header, re.IGNORECASE) is not None
    return False


def _fetch(imap: imaplib.IMAP4, uid: str, what: str) -> bytes:
    typ, data = imap.uid("FETCH", uid, f"({what})")
    if typ != "OK":
        raise OSError(f"cannot read message {uid}")
    for part in data or ():
        if isinstance(part, tuple) and isinstance(part[1], bytes):
            return part[1]
    return b""


def _done(imap: imaplib.IMAP4, uid: str, settings: MailboxSettings, abilities: set) -> None:
    """Mark a message read, or move it to the processed folder."""
    imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    target = settings.processed_folder
    if target is None:
        return
    if "MOVE" in abilities:
        imap.uid("MOVE", uid, _quoted(target))
    else:
        imap.uid("COPY", uid, _quoted(target))
        imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- the state Admin shows ------------------------------------------------------------------


@dataclass
class MailboxState:
    """How the mailbox's polls went (kept in the settings table, never the password)."""

    last_poll: datetime | None = None
    added: int = 0  # insights added from mail, all polls together
    refused: int = 0  # unread messages from unknown senders at the last poll
    last_error: str | None = None
    last_error_at: datetime | None = None


def state(kb) -> MailboxState:
    """The mailbox's state as the last polls left it."""
    stored = kb.repos.people.settings(STATE)
    when = stored.get("last_poll")
    failed = stored.get("last_error_at")
    return MailboxState(
        last_poll=datetime.fromisoformat(when) if when else None,
        added=int(stored.get("added", 0)),
        refused=int(stored.get("refused", 0)),
        last_error=stored.get("last_error") or None,
        last_error_at=datetime.fromisoformat(failed) if failed else None,
    )


def poll_and_record(kb, settings: MailboxSettings, now: datetime | None = None) -> PollReport:
    """`poll` once and keep how it went for Admin; a failure (the server, the network, the
    password) is kept as the last error, never raised. Returns the report (empty on failure)."""
    now = now or datetime.now()
    before = state(kb)
    values: dict[str, str | None] = {"last_poll": now.isoformat()}
    try:
        report = poll(kb, settings)
    except (imaplib.IMAP4.error, OSError, ssl.SSLError, OivallusError, ValueError) as error:
        report = PollReport()
        said = str(error).replace(settings.password, "***") or type(error).__name__
        values |= {"last_error": said[:500], "last_error_at": now.isoformat()}
    else:
        values |= {"last_error": None, "last_error_at": None}
        values |= {"added": str(before.added + report.added), "refused": str(report.refused)}
    people = kb.repos.people
    with kb.db.transaction() as cur:
        for key, value in values.items():
            people.put_setting(cur, STATE + key, value)
    return report
