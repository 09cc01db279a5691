"""Person names in Finnish text, found with Voikko's analysis (language/morphology.py's handle).

Voikko classes a word as a first name ("etunimi") or a surname ("sukunimi") in any inflected
form and gives its base form ("Virtaselle" -> "Virtanen", "Antin" -> "Antti"). Many Finnish
first names are also common words ("Onni", "Toivo", "Tuuli", "Satu"), so a capitalised word is
read as a name when

- every reading Voikko gives is a name (a first name, a surname, or a place of the same name,
  as "Mattila"): anywhere, also at the start of a sentence; or
- one of its readings is a name and it is capitalised where a common word would not be: not at
  the start of a sentence or a line; or
- it is one of two capitalised name words in a row ("Onni Virtanen" at a sentence's start).

Words in lower case, all-caps abbreviations, places ("Helsingissä") and words read as a place
of another name ("Turkin": Turkki the country rather than Turkka) stay. Lookups are cached
per word. Without Voikko nothing is found here (the caller's exact names list still works).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from language import morphology

NAME_CLASSES = frozenset({"etunimi", "sukunimi"})
_NAME_OR_PLACE = NAME_CLASSES | {"paikannimi"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_BREAK = frozenset(".!?:;\"'«»“”„()[]•*>–—-")
# Finnish endings a foreign name takes after its own letters ("Smithille", "Smithin").
_ENDINGS = re.compile(
    r"i?(?:n|lle|lta|ltä|lla|llä|ssa|ssä|sta|stä|a|ä|ksi|ineen|en|ta|tä|na|nä|hin)"
)
NOT_NAME, MAYBE_NAME, NAME = 0, 1, 2


@dataclass(frozen=True)
class Word:
    """One word of a text: where it stands and whether a sentence starts with it."""

    start: int
    end: int
    text: str
    at_start: bool


def capitalised(word: str) -> bool:
    """A word written with a capital first letter and lower-case letters after it ("Anna",
    "Anna-Liisa"), not an abbreviation ("EU") nor a single letter."""
    return len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:])


def words(text: str) -> list[Word]:
    """The words of a text (letters, with inner hyphens), each marked when it starts a sentence
    or a line."""
    found = []
    for match in _WORD.finditer(text):
        before = text[: match.start()].rstrip(" \t")
        at_start = not before or before[-1] in _SENTENCE_BREAK or before[-1] == "\n"
        found.append(Word(match.start(), match.end(), match.group(), at_start))
    return found


@lru_cache(maxsize=200_000)
def _readings(word: str) -> tuple[tuple[str, str], ...]:
    """(class, base form) of each reading; a place whose name ends in -nen is read as a surname
    too (Voikko's dictionary has "Nieminen" only as a place)."""
    voikko = morphology._voikko()
    if voikko is None:
        return ()
    with morphology._lock:
        analyses = voikko.analyze(word)
    readings = [(a.get("CLASS", ""), a.get("BASEFORM", "")) for a in analyses]
    readings += [("sukunimi", b) for c, b in readings if c == "paikannimi" and b.endswith("nen")]
    return tuple(readings)


@lru_cache(maxsize=200_000)
def name_kind(word: str) -> int:
    """NAME when every reading of a capitalised word is a name, MAYBE_NAME when one of them is,
    else NOT_NAME (also for a place whose other reading is an inflected first name of another
    base: "Turkin" is Turkki, not Turkka; "Saimaan" Saimaa, not Saima)."""
    if not capitalised(word):
        return NOT_NAME
    readings = _readings(word)
    classes = {cls for cls, _ in readings}
    if not classes & NAME_CLASSES:
        return NOT_NAME
    names = {base for cls, base in readings if cls in NAME_CLASSES}
    first_names_only = all(cls != "sukunimi" for cls, _ in readings) and word not in names
    if first_names_only and any(c == "paikannimi" and b not in names for c, b in readings):
        return NOT_NAME
    return NAME if classes <= _NAME_OR_PLACE else MAYBE_NAME


@lru_cache(maxsize=200_000)
def name_bases(word: str) -> frozenset[str]:
    """Lower-case base forms of a word's readings as a first name or a surname ("Virtaselle"
    -> {"virtanen"}); empty when Voikko reads it as no name."""
    return frozenset(base.lower() for cls, base in _readings(word) if cls in NAME_CLASSES and base)


def find_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words in `text` read as person names (see the module's rule)."""
    found = words(text)
    kinds = [name_kind(w.text) for w in found]
    keep = [
        k == NAME or (k == MAYBE_NAME and not w.at_start) for w, k in zip(found, kinds, strict=True)
    ]
    for i in range(len(found) - 1):  # two name words in a row: "Onni Virtanen"
        a, b = found[i], found[i + 1]
        if kinds[i] and kinds[i + 1] and not text[a.end : b.start].strip():
            keep[i] = keep[i + 1] = True
    return [(w.start, w.end) for w, k in zip(found, keep, strict=True) if k]


def target_forms(name: str) -> frozenset[str]:
    """What a name's words may be matched by: each word in lower case and, for the words Voikko
    reads as names, their base forms."""
    forms: set[str] = set()
    for word in _WORD.findall(name):
        forms.add(word.lower())
        forms |= name_bases(word[0].upper() + word[1:])
    return frozenset(forms)


def matches(word: str, forms: frozenset[str]) -> bool:
    """Whether a capitalised word of a text is one of `forms` (see `target_forms`) in any
    inflected form: the same word, a name with the same base form, or a foreign name of 4+
    letters with a Finnish ending ("Smithille")."""
    if not capitalised(word):
        return False
    lower = word.lower()
    if lower in forms or name_bases(word) & forms:
        return True
    return any(
        len(form) >= 4 and lower.startswith(form) and _ENDINGS.fullmatch(lower[len(form) :])
        for form in forms
    )


def find_forms(text: str, forms: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of the capitalised words of `text` that match `forms`."""
    return [(w.start, w.end) for w in words(text) if matches(w.text, forms)]


def available() -> bool:
    """Whether Voikko is there to read names (else only exact names lists work)."""
    return morphology.available()
