"""Capture from anywhere (issue 30): a share link and a bookmarklet open Add with the fields
filled, and nothing is stored until the person saves.

The share link is the Add page's address with query parameters: `text` (the words),
`url` (the page they came from: the insight's source address) and `title`; the bookmarklet
builds it from the selection on any web page. The parameters outlive signing in (app.py keeps
the page and its query while it shows the sign-in form), and `prefill_add` takes them out of the
address once it has filled the form, so a save or a reload never fills it again.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from urllib.parse import quote

import streamlit as st

from views.i18n import _, error_text, ui
from vocabulary.errors import InvalidValue
from vocabulary.knowledge import MAX_SHORT_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS, check_source_url
from vocabulary.settings import current

PARAMS = ("text", "url", "title", "cut")  # `cut`: the bookmarklet shortened the selection
LINK_CHARS = 8_000  # the longest address the bookmarklet opens (the server takes about 16 KB)
# Control characters but tab and line breaks (the text keeps its lines; the title does not)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shared_draft(params: Mapping[str, str]) -> tuple[dict[str, str], dict[str, object]]:
    """The fields a share link fills (text, title, source_url) from its query parameters,
    cleaned: control characters removed, a text or title over its limit cut, an address that
    is not a web address left out. Also what was done, for the person: `text_cut`,
    `title_cut`, `selection_cut` (True) and `url_refused` (the InvalidValue)."""
    notes: dict[str, object] = {}
    text = _CONTROL.sub("", params.get("text") or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        text, notes["text_cut"] = text[:MAX_TEXT_CHARS].rstrip(), True
    title = " ".join(_CONTROL.sub("", params.get("title") or "").split())
    if len(title) > MAX_SHORT_CHARS:
        title, notes["title_cut"] = title[:MAX_SHORT_CHARS].rstrip(), True
    url = (params.get("url") or "").strip()
    if url:
        try:
            check_source_url(url)
        except InvalidValue as refused:
            url, notes["url_refused"] = "", refused
    if params.get("cut"):
        notes["selection_cut"] = True
    return {"text": text, "title": title, "source_url": url}, notes


def prefill_add(key: str = "add") -> None:
    """Fill the Add form (widget keys `<key>_text`, `_title`, `_source_url`) from a share
    link's query parameters, then take them out of the address. Call before the form is
    drawn; `capture_notes` says what was filled."""
    params = st.query_params
    if not any(name in params for name in PARAMS):
        return
    fields, notes = shared_draft({name: params.get(name, "") for name in PARAMS})
    for field, value in fields.items():
        st.session_state[f"{key}_{field}"] = value
    for name in PARAMS:
        if name in params:
            del params[name]
    st.session_state[f"{key}_capture"] = notes


def capture_notes(where, key: str = "add") -> None:
    """What a share link filled and what it had to leave out, until the note is saved."""
    notes = st.session_state.get(f"{key}_capture")
    if notes is None:
        return
    where.info(
        _("Filled in from the page you shared. Check it and save: nothing is stored before."),
        icon=":material/bookmark_added:",
    )
    words = ui()
    if notes.get("text_cut"):
        where.warning(
            _(
                "The text was longer than {count} characters: only its beginning was kept.",
                count=words.number(MAX_TEXT_CHARS),
            )
        )
    if notes.get("selection_cut"):
        where.warning(
            _(
                "The selection was longer than a link can carry: only its beginning was kept. "
                "Copy the rest into the text if you need it."
            )
        )
    if notes.get("title_cut"):
        where.warning(
            _(
                "The title was longer than {count} characters: only its beginning was kept.",
                count=words.number(MAX_SHORT_CHARS),
            )
        )
    refused = notes.get("url_refused")
    if isinstance(refused, InvalidValue):
        where.warning(
            _(
                "The page's address was left out: it {problem}.",
                problem=error_text(refused.message),
            )
        )


def app_address() -> str:
    """The app's own address for links to it: OIVALLUS_BASE_URL, else the address this browser
    opened the app at (without the page's path)."""
    configured = current().base_url.strip().rstrip("/")
    if configured:
        return configured
    seen = (st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return seen.removesuffix("/add")


def bookmarklet(base: str) -> str:
    """The bookmarklet (a `javascript:` address) that opens `<base>/add` in a new window with
    the page's selected text, its address and its title; a selection too long for one address
    is shortened (and the page says so)."""
    code = (
        "(function(){var b=@BASE@,s=String(window.getSelection()).trim(),c='',u;"
        "function k(x){return x.replace(/[\\uD800-\\uDBFF]$/,'')}"
        "function m(){return b+'/add?text='+encodeURIComponent(s)+'&url='"
        "+encodeURIComponent(location.href)+'&title='"
        "+encodeURIComponent(k(document.title.slice(0,@TITLE@)))+c}"
        "u=m();while(u.length>@LINK@&&s){s=k(s.slice(0,Math.floor(s.length*0.9)));c='&cut=1';"
        "u=m()}window.open(u,'_blank','noopener')})()"
    )
    for name, value in (("TITLE", MAX_SHORT_CHARS), ("LINK", LINK_CHARS), ("BASE", base)):
        code = code.replace(f"@{name}@", json.dumps(value))  # the address last: only a string
    return "javascript:" + quote(code, safe="()[]{};,=+'!*/:.?&|<>_-~$")


def share_link_format(base: str) -> str:
    """The share link other tools can build (their values URL-encoded)."""
    return f"{base}/add?text=…&url=…&title=…"


def capture_help() -> None:
    """The "Capture from any web page" expander: the bookmarklet to drag to the bookmarks bar
    (an iframe of our own HTML: Streamlit's Markdown drops `javascript:` links), its code to
    copy, and the share link's format."""
    base = app_address()
    code = bookmarklet(base)
    with st.expander(_("Capture from any web page"), icon=":material/bookmark_add:"):
        st.markdown(
            _(
                "Drag the button below to your browser's bookmarks bar. Then on any web page, "
                "select a passage and click the bookmark: this form opens in a new window with "
                "the passage, the page's address and its title. Nothing is stored until you save."
            )
        )
        label = html.escape(_("Add to Oivallus"))
        hint = html.escape(_("Drag me to the bookmarks bar"), quote=True)
        st.iframe(
            "<style>html, body {margin: 0; font-family: sans-serif} a {display: inline-block; "
            "margin: 4px 0; padding: 6px 14px; border-radius: 8px; background: #ff4b4b; "
            "color: white; text-decoration: none; font-weight: 600} "
            "span {margin-left: 10px; color: #666; font-size: 14px}</style>"
            f'<a id="bookmarklet" href="{html.escape(code, quote=True)}" title="{hint}" '
            "onclick=\"document.getElementById('hint').hidden = false; return false\">"
            f'{label}</a><span id="hint" hidden>{html.escape(hint)}</span>',
            height=44,  # the button's own height ("content" left a blank band below it)
            alt=_("The bookmarklet"),
        )
        st.caption(
            _(
                "If dragging does not work (a phone, a locked-down browser), make a new "
                "bookmark and paste this as its address:"
            )
        )
        st.code(code, language=None, wrap_lines=True)
        st.caption(
            _(
                "Other tools (a Teams message action, a phone's share sheet, a support desk's "
                "macro) can open the same form with a link like this, each value URL-encoded "
                "(url: the source's address, at most {count} characters):",
                count=ui().number(MAX_URL_CHARS),
            )
        )
        st.code(share_link_format(base), language=None)
