"""Personal data scrubbing: e-mail addresses, phone numbers, Finnish personal identity codes
(henkilötunnus), IBANs and payment card numbers become placeholders before anything is stored,
and so do the person names of a names list when one is given ($OIVALLUS_SCRUB_NAMES: a text
file, one name per line). Names are not recognised otherwise: a name not on the list stays.

Codes with a check character or digit (henkilötunnus, IBAN, card) are replaced only when the
check holds, so order numbers and amounts that merely look alike stay.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

NAMES_ENV = "OIVALLUS_SCRUB_NAMES"

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "henkilotunnus": "[henkilötunnus]",
    "iban": "[iban]",
    "card": "[card]",
    "name": "[name]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_HETU = re.compile(r"\b(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])\b")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b")
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
# Finnish numbers (040 123 4567, 09-123 4567) and international ones (+358 40 123 4567).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ -]?(?:\(0\)[ -]?)?|0)\d{1,3}(?:[ -]?\d{2,4}){2,4}(?!\w)"
)


def valid_henkilotunnus(birth: str, century: str, serial: str, check: str) -> bool:
    """The check character of a Finnish personal identity code, and a real birth date."""
    day, month = int(birth[:2]), int(birth[2:4])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    return _HETU_CHECK[int(birth + serial) % 31] == check


def valid_iban(candidate: str) -> bool:
    """The ISO 13616 mod-97 check."""
    iban = candidate.replace(" ", "")
    if not 15 <= len(iban) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def valid_card(candidate: str) -> bool:
    """The Luhn check of a 13-19 digit payment card number."""
    digits = [int(c) for c in candidate if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def names_pattern(names: list[str]) -> re.Pattern | None:
    """A pattern for whole-word, case-sensitive matches of these names (and "Name's"), longest
    first so that "Anna Virtanen" wins over "Anna"; None for an empty list. Inflected Finnish
    forms with a changed stem ("Virtaselle") are not caught."""
    cleaned = sorted({" ".join(n.split()) for n in names if n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['’]s)?(?!\w)")


def load_names(path: str | Path | None = None) -> re.Pattern | None:
    """The names list of $OIVALLUS_SCRUB_NAMES (or `path`) as a pattern; None without one.
    Raises ValueError naming the file when it cannot be read."""
    path = path or os.environ.get(NAMES_ENV)
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"the names list {path} ({NAMES_ENV}) cannot be read: {error}") from None
    return names_pattern([line for line in lines if not line.lstrip().startswith("#")])


def scrub(text: str, names: re.Pattern | None = None) -> tuple[str, Counter]:
    """Replace personal data in `text` (and the names of a `names_pattern`); returns the text
    and a count per kind."""
    counts: Counter = Counter()

    def replace(kind: str, check=None):
        def _sub(match: re.Match) -> str:
            if check is not None and not check(match):
                return match.group(0)
            counts[kind] += 1
            return PLACEHOLDERS[kind]

        return _sub

    text = _EMAIL.sub(replace("email"), text)
    text = _HETU.sub(replace("henkilotunnus", lambda m: valid_henkilotunnus(*m.groups())), text)
    text = _IBAN.sub(replace("iban", lambda m: valid_iban(m.group(1))), text)
    text = _CARD.sub(replace("card", lambda m: valid_card(m.group(0))), text)
    text = _PHONE.sub(replace("phone", lambda m: sum(c.isdigit() for c in m.group(0)) >= 7), text)
    if names is not None:
        text = names.sub(replace("name"), text)
    return text, counts
