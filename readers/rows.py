"""What every reader of rows shares: a rejected row with its reason, dates as people write them."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel


class RejectedRow(BaseModel):
    """A row that was not imported, with why."""

    line: int
    reason: str


def parse_date(value: str) -> date:
    """ISO dates (2026-05-31, also with a time) and Finnish ones (31.5.2026, 31/5/2026)."""
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso:
        return date(int(iso[1]), int(iso[2]), int(iso[3]))
    finnish = re.match(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
    if finnish:
        return date(int(finnish[3]), int(finnish[2]), int(finnish[1]))
    raise ValueError(f"observed_at {value!r} is not a date; write 2026-05-31 or 31.5.2026")
