"""What every reader of rows shares: a rejected row with its reason, dates as people write them."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from vocabulary.errors import InvalidValue, Message


class RejectedRow(BaseModel):
    """A row that was not imported, with why: `reason` in English (the command line, a log),
    `message` the same for a page to say in the reader's language."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    line: int
    reason: str
    message: Message | None = Field(default=None, exclude=True)

    @classmethod
    def saying(cls, line: int, message: Message) -> RejectedRow:
        """A rejected row whose reason is `message`."""
        return cls(line=line, reason=str(message), message=message)


def parse_date(value: str) -> date:
    """ISO dates (2026-05-31, also with a time) and Finnish ones (31.5.2026, 31/5/2026)."""
    value = value.strip()
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    finnish = re.match(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if finnish:
            return date(int(finnish[3]), int(finnish[2]), int(finnish[1]))
    except ValueError:  # 32.6.2026: shaped like a date, no such day
        raise InvalidValue(
            "{field} {value} is no day of the calendar; write 2026-05-31 or 31.5.2026",
            field="observed_at",
            value=repr(value),
        ) from None
    raise InvalidValue(
        "{field} {value} is not a date; write 2026-05-31 or 31.5.2026",
        field="observed_at",
        value=repr(value),
    )
