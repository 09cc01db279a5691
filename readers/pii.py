"""Personal data scrubbing: e-mail addresses, phone numbers, Finnish personal identity codes
(henkilötunnus), IBANs and payment card numbers become placeholders before anything is stored,
and so do person names:

- in Finnish text, the words Voikko reads as first names or surnames, in any inflected form
  ("Virtaselle", "Mattilan"; the rule against common words such as "Onni" or "Toivo" at a
  sentence's start is in language/person_names.py);
- in any language, the names of a names list when one is given ($OIVALLUS_SCRUB_NAMES: a text
  file, one name per line), as written and in their inflected forms (a listed "Virtanen" also
  catches "Virtaselle", a listed "Smith" "Smithille").

Names in English text are found only through the list.

Codes with a check character or digit (henkilötunnus, IBAN, card) are replaced only when the
check holds, so order numbers and amounts that merely look alike stay.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from language import person_names
from language.text import detect_language
from vocabulary import settings

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


@dataclass(frozen=True)
class NameList:
    """A names list: its names as written (`pattern`) and the forms their words are matched by
    in any inflection (`forms`, see language.person_names.target_forms)."""

    pattern: re.Pattern | None
    forms: frozenset[str]


def name_list(names: list[str]) -> NameList | None:
    """A `NameList` of these names; None for an empty list."""
    cleaned = [n for n in names if n.strip()]
    if not cleaned:
        return None
    forms = frozenset().union(*(person_names.target_forms(n) for n in cleaned))
    return NameList(names_pattern(cleaned), forms)


def load_names(path: str | Path | None = None) -> NameList | None:
    """The names list of $OIVALLUS_SCRUB_NAMES (or `path`); None without one.
    Raises ValueError naming the file when it cannot be read."""
    path = path or settings.current().scrub_names
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(
            f"the names list {path} ($OIVALLUS_SCRUB_NAMES) cannot be read: {error}"
        ) from None
    return name_list([line for line in lines if not line.lstrip().startswith("#")])


def _name_spans(text: str, forms: frozenset[str], finnish: bool) -> list[tuple[int, int]]:
    """Spans of names to replace, neighbours joined ("Onni Virtanen" is one name)."""
    spans = sorted(
        set(person_names.find_forms(text, forms) if forms else [])
        | set(person_names.find_names(text) if finnish else [])
    )
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and (start <= joined[-1][1] or not text[joined[-1][1] : start].strip()):
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def scrub(
    text: str,
    names: NameList | re.Pattern | None = None,
    language: str | None = None,
    finnish_names: bool = True,
) -> tuple[str, Counter]:
    """Replace personal data in `text`: the codes above, the names of a names list (a
    `NameList`, or a bare `names_pattern`) and, with `finnish_names` in Finnish text (the
    `language` given, else detected), the names Voikko reads. Returns the text and a count per
    kind."""
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
    pattern = names.pattern if isinstance(names, NameList) else names
    if pattern is not None:
        text = pattern.sub(replace("name"), text)
    forms = names.forms if isinstance(names, NameList) else frozenset()
    finnish = finnish_names and (language or detect_language(text)) == "fi"
    if forms or finnish:
        for start, end in reversed(_name_spans(text, forms, finnish)):
            text = text[:start] + PLACEHOLDERS["name"] + text[end:]
            counts["name"] += 1
    return text, counts


def pseudonym(customer_id: str, key: bytes) -> str:
    """A customer id as a keyed hash: the same id always gives the same pseudonym under one
    key, and without the key nobody can tell which id it was."""
    normal = " ".join(customer_id.split()).casefold()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()[:24]
