"""A brief as Markdown (to paste or share) and as PDF (to hand round), same content."""

from __future__ import annotations

from pathlib import Path

from insights.briefs import Brief
from vocabulary.knowledge import Insight

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
SOURCES_SHOWN = 8


def _refs(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:SOURCES_SHOWN])
    more = f" and {len(ids) - SOURCES_SHOWN} more" if len(ids) > SOURCES_SHOWN else ""
    return f"{shown}{more}"


def source_line(insight: Insight) -> str:
    """Where a quote comes from: its id, source, author, date."""
    parts = [f"#{insight.id}", insight.source]
    if insight.author:
        parts.append(insight.author)
    if insight.observed_at:
        parts.append(str(insight.observed_at))
    return ", ".join(parts)


OPENING_QUOTES = "\"'“”„‘’‚«»‹›「"
CLOSING_QUOTES = "\"'“”‘’«»‹›」"


def quoted(text: str) -> str:
    """The text between quotation marks, unless it already starts and ends with its own."""
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] in OPENING_QUOTES and stripped[-1] in CLOSING_QUOTES:
        return stripped
    return f"“{text}”"


def _lines(brief: Brief) -> list[tuple[str, str]]:
    """(style, text) lines both formats share: h1, h2, p, quote, small."""
    lines = [
        ("h1", brief.title),
        (
            "small",
            f"Brief made {brief.made_at:%Y-%m-%d %H:%M} · confidence {brief.confidence} "
            f"({brief.confidence_reason})",
        ),
        ("h2", "What the evidence says"),
    ]
    for point in brief.points:
        basis = []
        if point.insight_ids:
            basis.append(f"insights {_refs(point.insight_ids)}")
        if point.figure:
            basis.append(point.figure)
        lines.append(("p", point.text + (f" [{'; '.join(basis)}]" if basis else "")))
    if brief.quotes:
        lines.append(("h2", "In their own words"))
        for insight in brief.quotes:
            lines.append(("quote", insight.text))
            lines.append(("small", source_line(insight)))
    lines.append(("h2", "Open questions"))
    if brief.questions:
        for question in brief.questions:
            lines.append(("p", f"Q{question.id} ({question.status}): {question.text}"))
    else:
        lines.append(("p", "No open question draws on this evidence."))
    return lines


def brief_markdown(brief: Brief) -> str:
    """The brief as Markdown."""
    from language.text import escape_markdown

    out = []
    for style, text in _lines(brief):
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


def brief_pdf(brief: Brief) -> bytes:
    """The brief as a PDF of one or a few A4 pages."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
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
    for style, text in _lines(brief):
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
