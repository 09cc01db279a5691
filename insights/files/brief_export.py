"""A brief as Markdown (to paste or share) and as PDF (to hand round), same content, in the
language of the person exporting it: headings, labels, dates and numbers through `Interface`."""

from __future__ import annotations

from pathlib import Path

from insights.briefs import Brief, status_word
from language.interface import Interface
from language.names import SOURCE_NAMES, name_of
from vocabulary.knowledge import Insight

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
SOURCES_SHOWN = 8


def refs(ids: list[int], words: Interface) -> str:
    """ "#1, #2, #3 and 4 more": the first insights a sentence rests on."""
    shown = ", ".join(f"#{i}" for i in ids[:SOURCES_SHOWN])
    if len(ids) <= SOURCES_SHOWN:
        return shown
    return words.text(
        "{ids} and {count} more", ids=shown, count=words.number(len(ids) - SOURCES_SHOWN)
    )


def source_line(insight: Insight, words: Interface | None = None) -> str:
    """Where a quote comes from: its id, source, author, date (as the words' language writes
    it: 5.12.2026 in Finnish)."""
    words = words or Interface()
    parts = [f"#{insight.id}", name_of(words, SOURCE_NAMES, insight.source).lower()]
    if insight.author:
        parts.append(insight.author)
    if insight.observed_at:
        parts.append(words.day(insight.observed_at))
    return ", ".join(parts)


def confidence_words(level: str, words: Interface) -> str:
    """A brief's confidence (high, medium, low) as the words' language says it."""
    return {
        "high": words.text("high confidence"),
        "medium": words.text("medium confidence"),
        "low": words.text("low confidence"),
    }.get(level, level)


OPENING_QUOTES = "\"'“”„‘’‚«»‹›「"
CLOSING_QUOTES = "\"'“”‘’«»‹›」"


def quoted(text: str) -> str:
    """The text between quotation marks, unless it already starts and ends with its own."""
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] in OPENING_QUOTES and stripped[-1] in CLOSING_QUOTES:
        return stripped
    return f"“{text}”"


def _lines(brief: Brief, language: str) -> list[tuple[str, str]]:
    """(style, text) lines both formats share: h1, h2, p, quote, small."""
    words = Interface(language)
    made = words.moment(brief.made_at)
    lines = [
        ("h1", brief.title),
        (
            "small",
            words.text(
                "Brief made {when} · {confidence} ({why})",
                when=made,
                confidence=confidence_words(brief.confidence, words),
                why=brief.confidence_reason,
            ),
        ),
        ("h2", words.text("What the evidence says")),
    ]
    for point in brief.points:
        basis = []
        if point.insight_ids:
            basis.append(words.text("insights {ids}", ids=refs(point.insight_ids, words)))
        if point.figure:
            basis.append(point.figure)
        lines.append(("p", point.text + (f" [{'; '.join(basis)}]" if basis else "")))
    if brief.quotes:
        lines.append(("h2", words.text("In their own words")))
        for insight in brief.quotes:
            lines.append(("quote", insight.text))
            lines.append(("small", source_line(insight, words)))
    lines.append(("h2", words.text("Open questions")))
    if brief.questions:
        for question in brief.questions:
            status = status_word(words, question.status)
            lines.append(("p", f"#{question.id} ({status}) {question.text}"))
    else:
        lines.append(("p", words.text("No open question draws on this evidence.")))
    return lines


def brief_markdown(brief: Brief, language: str = "en") -> str:
    """The brief as Markdown, its headings, labels and dates in `language` (the reader's)."""
    from language.text import escape_markdown

    out = []
    for style, text in _lines(brief, language):
        safe = escape_markdown(text)
        out.append(
            {
                "h1": f"# {safe}",
                "h2": f"\n## {safe}",
                "p": f"- {safe}",
                "quote": f"\n> {safe}",
                "small": f"_{safe}_",
            }[style]
        )
    return "\n".join(out) + "\n"


def brief_pdf(brief: Brief, language: str = "en") -> bytes:
    """The brief as a PDF of one or a few A4 pages, its headings, labels and dates in
    `language` (the reader's)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_lang(Interface(language).code)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    if FONT.exists() and FONT_BOLD.exists():
        pdf.add_font("body", "", str(FONT))
        pdf.add_font("body", "B", str(FONT_BOLD))
        family = "body"

        def clean(text: str) -> str:
            return text
    else:  # the core font speaks Latin-1 only (Finnish letters included)
        family = "helvetica"

        def clean(text: str) -> str:
            return text.encode("latin-1", "replace").decode("latin-1")

    sizes = {
        "h1": (16, "B"),
        "h2": (12.5, "B"),
        "p": (10.5, ""),
        "quote": (10.5, ""),
        "small": (8.5, ""),
    }
    for style, text in _lines(brief, language):
        size, weight = sizes[style]
        pdf.set_font(family, weight, size)
        if style == "h2":
            pdf.ln(3)
        indent = 6 if style in ("quote", "small") and text else 0
        pdf.set_x(pdf.l_margin + indent)
        prefix = "• " if style == "p" and family == "body" else ("- " if style == "p" else "")
        pdf.multi_cell(
            pdf.epw - indent,
            size * 0.5,
            clean(prefix + (quoted(text) if style == "quote" and family == "body" else text)),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1.2)
    return bytes(pdf.output())
