"""Personal data scrubbing: e-mail addresses, phone numbers, Finnish personal identity codes
(henkilötunnus), IBANs and payment card numbers become placeholders before anything is stored.

Codes with a check character or digit (henkilötunnus, IBAN, card) are replaced only when the
check holds, so order numbers and amounts that merely look alike stay.
"""

from __future__ import annotations

import re
from collections import Counter

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "henkilotunnus": "[henkilötunnus]",
    "iban": "[iban]",
    "card": "[card]",
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


def scrub(text: str) -> tuple[str, Counter]:
    """Replace personal data in `text`; returns the text and a count per kind."""
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
    return text, counts
