"""Values as people write them in behaviour files: a day or a month, a number (1 234,5 or
1,234.5 or 12 %), a count or an amount of 0 or more; each refusal a message a page translates.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from readers.rows import parse_date
from vocabulary.errors import InvalidValue, Message

MAX_MAGNITUDE = 1e15  # past this a "value" is an id, a sum of sums or a typing slip
FIRST_YEAR = 1900


# A period's kind as a message names it ("month" of 2026-03): words in the catalogues
PERIOD_WORDS = {"day": Message("day"), "month": Message("month")}


def row_problem(problem) -> Message:
    """A row's problem as a message a page translates: ours keep theirs (an `InvalidValue`, a
    reader's `Said`), any other error says it in English."""
    message = getattr(problem, "message", None)
    if isinstance(message, Message):
        return message
    return Message("{problem}", {"problem": str(problem)})


def parse_period(value) -> tuple[date, str]:
    """(start, "day" or "month") of a date or period: 2026-03-15, 15.3.2026, 2026-03, 3/2026;
    spreadsheet dates as they come."""
    if isinstance(value, date):
        return _in_range(value, str(value)), "day"
    text = str(value).strip()
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if month:
        year, number = (month[1], month[2]) if len(month[1]) == 4 else (month[2], month[1])
        if not 1 <= int(number) <= 12:
            raise InvalidValue("{value} is not a month; write 2026-03 or 3/2026", value=repr(text))
        return _in_range(date(int(year), int(number), 1), text), "month"
    try:
        day = parse_date(text)
    except ValueError:
        raise InvalidValue(
            "{value} is not a date or a month; write 2026-03-15 or 2026-03", value=repr(text)
        ) from None
    return _in_range(day, text), "day"


def _in_range(day: date, text: str) -> date:
    latest = date.today() + timedelta(days=366)
    if not date(FIRST_YEAR, 1, 1) <= day <= latest:
        raise InvalidValue(
            "the date {value} is outside {first} to {last}; check the year",
            value=repr(text),
            first=str(FIRST_YEAR),
            last=latest.isoformat(),
        )
    return day


def parse_number(value) -> float:
    """A number as people write it: 1234.5, 1 234,5, 1,234.5, 12 %; raises ValueError for
    anything else, for inf and NaN in any spelling and for magnitudes past 1e15."""
    number = parse_float(value)
    if not math.isfinite(number):
        raise InvalidValue(
            "{value} is not a number; write a number such as 1234.5", value=repr(value)
        )
    if abs(number) > MAX_MAGNITUDE:
        raise InvalidValue(
            "{value} is larger than {most}; check the number",
            value=repr(value),
            most=f"{MAX_MAGNITUDE:.0e}",
        )
    return number


def parse_count(value, field: str) -> float:
    """A count or an amount: a number (see `parse_number`) of 0 or more; an error names the
    field (the column) it is in."""
    try:
        number = parse_number(value)
    except ValueError as error:
        raise InvalidValue(
            "{column}: {problem}", column=field, problem=row_problem(error)
        ) from None
    if number < 0:
        raise InvalidValue(
            "{column}: {value} is negative; a count or amount is 0 or more",
            column=field,
            value=repr(value),
        )
    return number


def parse_float(value) -> float:
    """A number in any of the spellings `parse_number` reads (no range checks)."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%€$")
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise InvalidValue("{value} is not a number", value=repr(value)) from None
