"""Survey scores: NPS (0-10), CSAT (1-5) and CES (1-7) columns become survey responses."""

from __future__ import annotations

import hashlib
import re

# mapping field -> (metric, lowest, highest)
SCALES = {"score": ("nps", 0, 10), "csat": ("csat", 1, 5), "ces": ("ces", 1, 7)}


def parse_score(field: str, value: str) -> int:
    """A whole number on the field's scale; raises ValueError saying what is allowed."""
    metric, low, high = SCALES[field]
    text = value.strip()
    if re.fullmatch(r"\d+(?:[.,]0+)?", text):
        number = int(re.split(r"[.,]", text)[0])
        if low <= number <= high:
            return number
    raise ValueError(
        f"{metric.upper()} score {value!r} is not a whole number from {low} to "
        f"{high}; correct the cell or leave it empty"
    )


def sentiment_of(metric: str, score: int) -> str:
    """The feeling a score reports: NPS promoters are positive and detractors negative."""
    positive, negative = {"nps": (9, 6), "csat": (4, 2), "ces": (5, 3)}[metric]
    if score >= positive:
        return "positive"
    return "negative" if score <= negative else "neutral"


def response_key(line: int, record: dict[str, str], external_id: str | None) -> str:
    """Identifies a response across re-imports: its external id, else its line and content."""
    if external_id:
        return f"id:{external_id}"
    content = "\x1f".join(f"{k}={v}" for k, v in sorted(record.items()))
    return "row:" + hashlib.sha1(f"{line}\x1e{content}".encode()).hexdigest()
