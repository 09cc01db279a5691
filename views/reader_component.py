"""The reader's text as a custom component (Streamlit's `st.components.v2`, inline HTML, CSS
and JavaScript, no build): a document's segments with their speakers, times and headings, the
passages that are insights marked, and a real browser text selection reported back as
character offsets into the document's text.

What comes back (the component's state and triggers):
- `selection`: {document_id, start, end, text, end_document_id} after a person selects
  text (mouse or keyboard); `text` is the document's text between the offsets as the page had
  it, so a text that changed since is refused by the service.
- `opened`: the id of the insight whose mark was clicked.

The text is set with `textContent`, never as HTML: a document's words cannot become markup.
The browser counts a text in UTF-16 code units, Python in characters: an emoji is one character
and two units, so offsets cross between them through `BrowserOffsets`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

import streamlit as st

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # characters of two UTF-16 code units


class BrowserOffsets:
    """A text's character offsets (Python's) to and from the browser's (UTF-16 code units),
    which differ after every emoji or other character beyond the Basic Multilingual Plane."""

    def __init__(self, text: str) -> None:
        self.chars = [m.start() for m in _ASTRAL.finditer(text)]
        self.units = [at + n for n, at in enumerate(self.chars)]  # where each starts, in units

    def to_browser(self, at: int) -> int:
        """A character offset as the browser counts it."""
        return at + bisect_left(self.chars, at)

    def from_browser(self, at: int) -> int:
        """The browser's offset as a character offset (one inside a character's two units
        falls after it; the text then differs and the service refuses the selection)."""
        return at - bisect_right(self.units, at - 2)


CSS = """
.oiv-reader { max-height: 65vh; overflow-y: auto; padding: 0.25rem 0.75rem;
  border: 1px solid rgba(128,128,128,0.35); border-radius: 0.5rem;
  font-family: var(--st-font, inherit); line-height: 1.6; }
.oiv-reader h4 { margin: 1rem 0 0.25rem; font-size: 1.05rem; user-select: none; }
.oiv-who { font-size: 0.8rem; opacity: 0.75; margin-top: 0.75rem; user-select: none; }
.oiv-who b { font-weight: 600; }
.oiv-seg { margin: 0.1rem 0 0.5rem; white-space: pre-wrap; }
.oiv-seg.oiv-quiet { opacity: 0.7; }
.oiv-reader mark { background: rgba(255, 214, 10, 0.45); color: inherit; cursor: pointer;
  border-radius: 2px; }
.oiv-reader mark.oiv-highlight { background: rgba(82, 196, 26, 0.38); }
.oiv-reader .oiv-focus { outline: 2px solid #e8590c; outline-offset: 1px; }
.oiv-hint { font-size: 0.8rem; opacity: 0.7; margin: 0.25rem 0; user-select: none; }
"""

JS = """
export default function(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  if (!data) { return; }
  let root = parentElement.querySelector('.oiv-reader');
  if (!root) {
    const hint = document.createElement('div');
    hint.className = 'oiv-hint';
    parentElement.appendChild(hint);
    root = document.createElement('div');
    root.className = 'oiv-reader';
    root.setAttribute('data-testid', 'oiv-reader');
    parentElement.appendChild(root);
  }
  parentElement.querySelector('.oiv-hint').textContent = data.hint || '';
  root.replaceChildren();
  const text = data.text || '';
  const marks = data.marks || [];
  const focus = data.focus;
  let heading = null;
  let focusElement = null;
  for (const seg of data.segments) {
    if (seg.heading && seg.heading !== heading) {
      const h = document.createElement('h4');
      h.textContent = seg.heading;
      root.appendChild(h);
      heading = seg.heading;
    }
    if (seg.who || seg.times) {
      const who = document.createElement('div');
      who.className = 'oiv-who';
      if (seg.who) {
        const b = document.createElement('b');
        b.textContent = seg.who;
        who.appendChild(b);
      }
      if (seg.times) {
        who.appendChild(document.createTextNode((seg.who ? ' · ' : '') + seg.times));
      }
      root.appendChild(who);
    }
    const p = document.createElement('p');
    p.className = 'oiv-seg' + (seg.quiet ? ' oiv-quiet' : '');
    p.dataset.doc = String(data.document_id);
    p.dataset.segment = String(seg.number);
    const cuts = new Set([seg.start, seg.end]);
    for (const m of marks) {
      if (m.end > seg.start && m.start < seg.end) {
        cuts.add(Math.max(m.start, seg.start)); cuts.add(Math.min(m.end, seg.end));
      }
    }
    if (focus && focus.end > seg.start && focus.start < seg.end) {
      cuts.add(Math.max(focus.start, seg.start)); cuts.add(Math.min(focus.end, seg.end));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const span = document.createElement('span');
      span.dataset.o = String(a);
      span.textContent = text.slice(a, b);
      const over = marks.filter(m => m.start <= a && m.end >= b);
      let node = span;
      if (over.length) {
        const mark = document.createElement('mark');
        mark.dataset.insight = String(over[0].insight_id);
        mark.className = over.some(m => m.origin === 'highlight') ? 'oiv-highlight' : '';
        mark.title = over.map(m => m.title).join(' | ');
        mark.appendChild(span);
        mark.addEventListener('click', () => {
          const s = window.getSelection();
          if (s && !s.isCollapsed) { return; }
          setTriggerValue('opened', over[0].insight_id);
        });
        node = mark;
      }
      if (focus && focus.start <= a && focus.end >= b) {
        span.classList.add('oiv-focus');
        focusElement = focusElement || span;
      }
      p.appendChild(node);
    }
    root.appendChild(p);
  }
  if (focusElement && !root.dataset.scrolled) {
    root.dataset.scrolled = '1';
    setTimeout(() => focusElement.scrollIntoView({ block: 'center' }), 50);
  }

  function place(node, offset) {
    let el = node;
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement && node.parentElement.closest('[data-o]');
      if (!span) { return null; }
      return { at: Number(span.dataset.o) + offset, doc: span.closest('[data-doc]') };
    }
    if (!(el instanceof Element)) { return null; }
    const children = el.childNodes;
    if (offset < children.length) {
      const child = children[offset];
      const first = !(child instanceof Element) ? null
        : child.matches('[data-o]') ? child : child.querySelector('[data-o]');
      if (first) { return { at: Number(first.dataset.o), doc: first.closest('[data-doc]') }; }
    }
    const all = el.querySelectorAll('[data-o]');
    if (all.length) {
      const last = all[all.length - 1];
      const at = Number(last.dataset.o) + last.textContent.length;
      return { at: at, doc: last.closest('[data-doc]') };
    }
    const inside = el.closest('[data-o]');
    return inside ? { at: Number(inside.dataset.o), doc: inside.closest('[data-doc]') } : null;
  }

  root._oiv = { text: text, document_id: data.document_id, setStateValue: setStateValue };
  if (root.dataset.listening) { return; }
  root.dataset.listening = '1';
  function report() {
    const s = window.getSelection();
    if (!s || s.isCollapsed || !s.rangeCount) { return; }
    const range = s.getRangeAt(0);
    if (!root.contains(range.startContainer) && !root.contains(range.endContainer)) { return; }
    const a = place(range.startContainer, range.startOffset);
    const b = place(range.endContainer, range.endOffset);
    if (!a && !b) { return; }
    const current = root._oiv;
    const start = a ? a.at : 0;
    const end = b ? b.at : current.text.length;
    const docOf = p => (p && p.doc) ? Number(p.doc.dataset.doc) : 0;
    const low = Math.min(start, end), high = Math.max(start, end);
    const key = [low, high].join(':');
    if (root.dataset.reported === key) { return; }
    root.dataset.reported = key;
    current.setStateValue('selection', {
      document_id: a ? docOf(a) : current.document_id,
      end_document_id: b ? docOf(b) : 0,
      start: low,
      end: high,
      text: current.text.slice(low, high),
    });
  }
  const onUp = () => setTimeout(report, 0);
  root.addEventListener('mouseup', onUp);
  root.addEventListener('keyup', onUp);
  root.addEventListener('touchend', onUp);
}
"""

reader_text = st.components.v2.component("oivallus_reader", css=CSS, js=JS, isolate_styles=False)
