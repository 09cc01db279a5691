"""An e-mail message becomes the text of one insight, without a database: who sent it, its
subject, its Message-ID and its own words, with what it quotes and its signature trimmed.

The text/plain part is read (else the HTML part reduced to text, never rendered); attachments
are ignored. Trimmed: quoted lines ("> "), everything from a reply's attribution line ("On ...
wrote:", "... kirjoitti ...:", "Den ... skrev ...:"), a forwarded or original message's block
("From:"/"Från:"/"Lähettäjä:" with its header lines, "-----Original Message-----", "----------
Forwarded message ---------"), and the signature from its "-- " line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser

# A reply's attribution line: English, Finnish (Outlook and Gmail) and Swedish mail programs.
_ATTRIBUTION = re.compile(
    r"^\s*(On\b.*\bwrote:|.*\bkirjoitti\b.*:|Den\b.*\bskrev\b.*:|.*\bskrev\s*:)\s*$",
    re.IGNORECASE,
)
# A separator above a forwarded or original message.
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Forwarded message|Alkuperäinen viesti|Välitetty viesti"
    r"|Ursprungligt meddelande|Vidarebefordrat meddelande)\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
# The header lines of a quoted message block (Outlook writes them in the reader's language).
_HEADER = re.compile(
    r"^\s*\**(From|Från|Lähettäjä|Sent|Skickat|Lähetetty|Date|Datum|Päivämäärä|To|Till"
    r"|Vastaanottaja|Cc|Kopio|Subject|Ämne|Aihe)\**\s*:",
    re.IGNORECASE,
)
_FROM = re.compile(r"^\s*\**(From|Från|Lähettäjä)\**\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class MailText:
    """What one message says, as an insight would store it."""

    sender: str | None  # the From address, lower case (None: none or several)
    subject: str
    message_id: str  # the Message-ID, else a digest of the message
    text: str  # the sender's own words, trimmed (may be empty)
    sent: date | None = None  # the Date header's day
    authentication: tuple[str, ...] = ()  # the Authentication-Results headers, topmost first


def read_message(raw: bytes) -> MailText:
    """The parts of a raw RFC 5322 message an insight is made of."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return MailText(
            sender=_sender(message),
            subject=" ".join(str(message.get("Subject", "") or "").split()),
            message_id=_message_id(message, raw),
            text=clean_body(body_text(message)),
            sent=_sent(message),
            authentication=tuple(str(v) for v in message.get_all("Authentication-Results") or ()),
        )
    except RecursionError:  # a thousand nested parts (in 60 KB): unreadable, from nobody
        return MailText(None, "", "sha256:" + hashlib.sha256(raw).hexdigest(), "")


def _sender(message: EmailMessage) -> str | None:
    try:
        found = getaddresses([str(v) for v in message.get_all("From") or ()])
    except (ValueError, TypeError, IndexError):
        return None
    addresses = {address.strip().lower() for _, address in found if "@" in address}
    return addresses.pop() if len(addresses) == 1 else None


def _sent(message: EmailMessage) -> date | None:
    try:
        return parsedate_to_datetime(str(message.get("Date", ""))).date()
    except (TypeError, ValueError, IndexError):
        return None


def _message_id(message: EmailMessage, raw: bytes) -> str:
    given = " ".join(str(message.get("Message-ID", "") or "").split())
    return given or "sha256:" + hashlib.sha256(raw).hexdigest()


def body_text(message: EmailMessage) -> str:
    """The message's text: its text/plain body, else its HTML body reduced to text; ""
    without either (attachments are never read)."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):
        return ""
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken part
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return html_text(content) if part.get_content_type() == "text/html" else content


class _TextOf(HTMLParser):
    """The visible text of an HTML body, a line per block; quoted mail (blockquote), styles and
    scripts are left out. Nothing is fetched or run."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIPPED = {"script", "style", "head", "title", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(" ".join(data.split()) if data.strip() else " ")


def html_text(html: str) -> str:
    """The text of an HTML body (see `_TextOf`)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in unescape("".join(parser.parts)).split("\n"))
    return "\n".join(lines)


def clean_body(text: str) -> str:
    """The sender's own words: quoted lines, the quoted or forwarded message below a reply's
    attribution or a forward's header block, and the signature are cut; blank runs closed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for number, line in enumerate(lines):
        if _SIGNATURE.match(line) or _SEPARATOR.match(line) or _attribution(line):
            break
        if _FROM.match(line) and _header_block(lines, number):
            break
        if _attribution_across(lines, number):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return _BLANKS.sub("\n\n", "\n".join(kept)).strip()


def _header_block(lines: list[str], start: int) -> bool:
    """Whether a "From:" line begins a quoted message's headers (another header line follows
    within three lines), not a sentence that starts with "From:"."""
    return any(_HEADER.match(line) for line in lines[start + 1 : start + 4])


def _attribution_across(lines: list[str], start: int) -> bool:
    """An attribution wrapped on two lines ("On Mon, 1 Dec 2026 at 10:00, Aino Virtanen" /
    "<aino@example.com> wrote:")."""
    if start + 1 >= len(lines) or not lines[start].lstrip().startswith("On "):
        return False
    return _attribution(f"{lines[start].strip()} {lines[start + 1].strip()}")


def _attribution(line: str) -> bool:
    """A mail program's attribution line: the pattern, and a date or an address in it (so a
    note's own "Asiakas kirjoitti:" or "The customer wrote:" stays)."""
    return bool(_ATTRIBUTION.match(line)) and bool(re.search(r"\d|@", line))
