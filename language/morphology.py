"""Finnish morphology with Voikko: base forms (lemmas) and the parts of compound words.

Snowball only cuts endings ("asiakkaan" -> "asiakka", "asiakas" -> "asiakas": two stems for one
word), and it cannot split compounds ("asiakaspalvelu" = "asiakas" + "palvelu"). Voikko knows
the language's inflection and its dictionary. It comes from Debian (`libvoikko1`, `voikko-fi`,
installed by `make`) with the PyPI binding `libvoikko`; where it is absent, Finnish falls back
on Snowball stems and one log line says so.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

log = logging.getLogger(__name__)
_lock = threading.Lock()  # one Voikko handle is not safe for concurrent calls


@lru_cache(maxsize=1)
def _voikko():
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except Exception as error:  # noqa: BLE001 - missing library, dictionary or binding
        log.warning(
            "Voikko is not available (%s): Finnish words fall back on Snowball stems, compound "
            "words are not split and theme labels may show inflected forms. Install the Debian "
            "packages libvoikko1 and voikko-fi (make does) to fix this.",
            error,
        )
        return None


def available() -> bool:
    """Whether Finnish lemmas come from Voikko (else Snowball stems stand in)."""
    return _voikko() is not None


def _compound_parts(word: str, analysis: dict) -> list[str]:
    """Base forms of a compound's parts, from Voikko's STRUCTURE ("=ppppppp=ppppppp").

    Finnish inflects only a compound's last part, so the first parts are read off the word
    itself and the last part is what remains of the base form after them.
    """
    structure = analysis.get("STRUCTURE", "")
    base = analysis.get("BASEFORM", "").lower()
    if structure.count("=") < 2:
        return []
    parts, current = [], ""
    letters = iter(word)
    for mark in structure[1:]:
        if mark == "=":
            parts.append(current)
            current = ""
            continue
        current += next(letters, "")
    parts.append(current)
    prefix = "".join(parts[:-1]).replace("-", "")
    if not base.replace("-", "").startswith(prefix):
        return []
    last = base.replace("-", "")[len(prefix) :]
    return [p.strip("-") for p in parts[:-1] if len(p.strip("-")) > 1] + ([last] if last else [])


@lru_cache(maxsize=300_000)
def analyse(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(base forms, compound parts) of one lower-case Finnish word; empty where unknown."""
    voikko = _voikko()
    if voikko is None or not word.isalpha():
        return (), ()
    with _lock:
        analyses = voikko.analyze(word)
    bases: dict[str, None] = {}
    parts: dict[str, None] = {}
    for analysis in analyses:
        base = analysis.get("BASEFORM", "").lower()
        if base:
            bases.setdefault(base, None)
        for part in _compound_parts(word, analysis):
            if part != base:
                parts.setdefault(part, None)
    return tuple(bases), tuple(parts)


# Word classes that carry a topic (Voikko's CLASS); pronouns, conjunctions, adpositions,
# numerals, the negation verb and interjections do not.
CONTENT_CLASSES = frozenset(
    {
        "nimisana",
        "laatusana",
        "nimisana_laatusana",
        "teonsana",
        "etunimi",
        "sukunimi",
        "paikannimi",
        "nimi",
    }
)
# Base forms frequent in any Finnish text, whatever its topic.
_STOP = """
olla voida voinut tulla saada pitää tehdä antaa käydä mennä alkaa jäädä asia osa kyseinen
liittyä koskea mukaan lisäksi muu oma eri sama kaikki moni useampi uusi vuosi kerta todeta
kertoa sanoa esittää tarkoittaa
"""
STOP_LEMMAS = frozenset(_STOP.split())


@lru_cache(maxsize=300_000)
def content_lemma(word: str) -> str | None:
    """The base form of a word that can name a topic (noun, adjective, verb, name), without
    the most common base forms; None for other words and words Voikko does not know."""
    voikko = _voikko()
    if voikko is None or not word.isalpha():
        return None
    with _lock:
        analyses = voikko.analyze(word)
    found = [(a.get("BASEFORM", "").lower(), a.get("CLASS")) for a in analyses]
    # A word that can be a stop word or a pronoun ("voineet" = "voida") is left out; a word
    # already in its base form is read as that ("maksaa" = to pay, not "maksa", liver).
    if any(base in STOP_LEMMAS or cls not in CONTENT_CLASSES for base, cls in found):
        return None
    bases = [base for base, _ in found if base]
    if word in bases:
        return word
    return bases[0] if bases else None
