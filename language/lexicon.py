"""Words across languages: the English words a Finnish word translates to.

The multilingual model alone scores a short Finnish sentence and its English translation about
as high as two unrelated sentences of one language that share a word, so words must count
across languages too. The bilingual dictionaries are FreeDict's (from Wiktionary; Debian
packages `dict-freedict-fin-eng` and `dict-freedict-eng-fin`, installed by `make`). Every word
is read as a *concept*: an English Snowball stem. An English word is its own stem; a Finnish word
(its Voikko base forms, else its compound parts) is the stems of its English translations,
from both directions of the dictionaries. A Finnish text is also read as a whole in English,
word by word (`Lexicon.gloss`: each word's one English word), for the English model to embed
(language/bilingual.py). Swedish has no such lexicon yet (FreeDict's Swedish
dictionaries hold a few thousand words, and without a lemmatiser they mistranslate inflected
forms). Without the dictionaries nothing is shared across languages but names and numbers, and
one log line says so.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import Stemmer

from language import morphology
from language import text as textlib

log = logging.getLogger(__name__)

DICTIONARY_DIR = Path("/usr/share/dictd")
# (non-English language, its dictionary into English, English's into it)
DICTIONARIES = {"fi": ("fin-eng", "eng-fin")}
# A translation of more content words than this is a description, not a word.
MAX_TRANSLATION_WORDS = 2
# English words that carry no subject of their own (also inside translations: "be late").
_STOP = """
    a an the to be of in on at for by with from as or and not no it its is are was were been
    being do does did have has had this that these those some any one oneself someone
    something sb sth etc very much more most up out over into about than so such can will would
    may might must shall should get make go come take give put set i you he she we they me him
    her us them my your his our their there here what which who whom whose when where why how
    all just only also
"""
ENGLISH_STOP = frozenset(_STOP.split())
_BASE64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
_SENSE = re.compile(r"^\s*\d+\.\s+(.*)$")
_ENGLISH = Stemmer.Stemmer("english")


def _number(code: str) -> int:
    value = 0
    for char in code:
        value = value * 64 + _BASE64[char]
    return value


def _entries(name: str, folder: Path) -> Iterator[tuple[str, list[str]]]:
    """(headword, translations) of a dictd dictionary: the first line after the headword
    and each numbered sense line hold the translations, comma-separated; the lines between
    are glosses."""
    index = (folder / f"freedict-{name}.index").read_text(encoding="utf-8").splitlines()
    with gzip.open(folder / f"freedict-{name}.dict.dz") as packed:
        data = packed.read()
    for line in index:
        headword, offset, length = line.split("\t")[:3]
        if headword.startswith("00"):  # the dictionary's own description
            continue
        start = _number(offset)
        body = data[start : start + _number(length)].decode("utf-8", "replace").splitlines()
        found = []
        for position, text in enumerate(body[1:]):
            sense = _SENSE.match(text)
            if sense or position == 0:
                found.append(re.sub(r"\s\d+\.$", "", sense.group(1) if sense else text))
        yield headword.lower(), [p.strip() for t in found for p in t.split(",") if p.strip()]


def english_stems(text: str) -> list[str]:
    """The Snowball stems of an English text's words that carry a subject."""
    tokens = [w for w in textlib.words(text) if w not in ENGLISH_STOP and not w.isdigit()]
    return [s for s in _ENGLISH.stemWords(tokens) if len(s) > 1]


class Lexicon:
    """Concept ids of words: English stems, and the English stems of other languages' words."""

    def __init__(
        self,
        translations: dict[str, dict[str, set[str]]],
        glosses: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """`translations[language][key]` are the English stems of a word given by its key
        (for Finnish its Voikko base form); `glosses[language][key]` its one English word."""
        stems = sorted({s for table in translations.values() for v in table.values() for s in v})
        self.ids = {stem: i for i, stem in enumerate(stems)}
        self._tables = {
            language: {key: tuple(sorted(self.ids[s] for s in v)) for key, v in table.items()}
            for language, table in translations.items()
        }
        self._glosses = glosses or {}
        digest = hashlib.sha256()
        for language in sorted(self._glosses):
            for key, word in sorted(self._glosses[language].items()):
                digest.update(f"{language}\t{key}\t{word}\n".encode())
        # what the glosses were made with: vectors embedded from another version are re-made
        self.version = digest.hexdigest()[:8] if self._glosses else "none"

    @property
    def size(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def word_concepts(self, key: str, language: str) -> tuple[int, ...]:
        """Concepts of one word given as its index key: an English stem, a Finnish base form
        or compound part; none in other languages."""
        if language == "en":
            found = self.ids.get(key)
            return () if found is None else (found,)
        return self._tables.get(language, {}).get(key, ())

    def term_concepts(self, term: str, language: str) -> tuple[int, ...]:
        """Concepts of a lexical index term (language/text.py: "w:" a stem or base form,
        "p:" a compound part; character n-grams have none) of a text in `language`."""
        if term.startswith("w:"):
            return self.word_concepts(term[2:], language)
        if term.startswith("p:") and language == "fi":
            return self.word_concepts(term[2:], language)
        return ()

    def glosses(self, language: str) -> bool:
        """Whether texts in `language` are read into English (`gloss`): English is itself."""
        return language == "en" or bool(self._glosses.get(language))

    def gloss(self, text: str, language: str) -> str:
        """A word-by-word English reading of a text ("Mobiilikassa on hidas" -> "mobile
        checkout be slow"), for the English model to place beside English texts: each word's
        gloss by its base form, else by its compound parts; a word the dictionary does not
        know (a name, a number, a loanword) is read as it is. English text and languages
        without a dictionary come back unchanged."""
        table = self._glosses.get(language)
        if language == "en" or not table:
            return text
        out = []
        for token in textlib.words(text):
            bases, parts = morphology.analyse(token)
            found = next((table[b] for b in bases if b in table), None)
            if found is None and parts and all(p in table for p in parts):
                found = " ".join(table[p] for p in parts)
            out.append(found or token)
        return " ".join(out)

    def text_concepts(self, text: str, language: str) -> np.ndarray:
        """The distinct concepts of a text (a query), as sorted ids."""
        keys: list[str] = []
        if language == "en":
            keys = english_stems(text)
        elif language == "fi":
            for token in textlib.words(text):
                bases, parts = morphology.analyse(token)
                keys.extend(bases or parts)
        found = {c for key in keys for c in self.word_concepts(key, language)}
        return np.asarray(sorted(found), dtype=np.int64)


def _plain(translation: str) -> str:
    """A translation without its filler words ("be late" -> "late"), a single word as it is."""
    words = translation.split()
    if len(words) > 1:
        words = [w for w in words if w.lower() not in ENGLISH_STOP]
    return " ".join(words)


def _read(folder: Path) -> tuple[dict[str, dict[str, set[str]]], dict[str, dict[str, str]]]:
    """(English stems of each word, each word's gloss) per language, from both directions."""
    concepts: dict[str, dict[str, set[str]]] = {}
    glosses: dict[str, dict[str, str]] = {}
    for language, (into_english, from_english) in DICTIONARIES.items():
        table: dict[str, set[str]] = defaultdict(set)
        forward: dict[str, list[str]] = defaultdict(list)
        for headword, translations in _entries(into_english, folder):
            for translation in translations:
                stems = english_stems(translation)
                if 1 <= len(stems) <= MAX_TRANSLATION_WORDS:
                    table[headword].update(stems)
                plain = _plain(translation)
                if plain and len(plain.split()) <= MAX_TRANSLATION_WORDS:
                    forward[headword].append(plain)
        backward: dict[str, list[str]] = defaultdict(list)
        for headword, translations in _entries(from_english, folder):
            stems = english_stems(headword)
            for translation in translations:
                word = translation.strip().lower()
                if " " in word:
                    continue
                if len(stems) == 1:
                    table[word].add(stems[0])
                if " " not in headword.strip():
                    backward[word].append(headword.strip())
        concepts[language] = table
        # a word's gloss: its first translation that the other direction confirms (the
        # dictionaries list rare senses first now and then: "väärä" curved, wrong), else its
        # first translation either way
        glosses[language] = {
            key: next(
                (w for w in forward.get(key, ()) if w in backward.get(key, ())),
                (forward.get(key) or backward[key])[0],
            )
            for key in forward.keys() | backward.keys()
        }
    return concepts, glosses


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the installed dictionaries (read once, about a second), empty where
    they are missing."""
    try:
        return Lexicon(*_read(DICTIONARY_DIR))
    except Exception as error:  # noqa: BLE001 - missing, unreadable or damaged files
        log.warning(
            "The bilingual dictionaries are not usable (%r): Finnish and English texts share "
            "only names and numbers as words, so translations and texts on one subject rank "
            "lower across languages. Install the Debian packages dict-freedict-fin-eng "
            "and dict-freedict-eng-fin (make does) or reinstall them if damaged.",
            error,
        )
        return Lexicon({})


def words_cross(language: str) -> bool:
    """Whether texts in `language` share words with English ones (a lexicon is installed)."""
    return language in DICTIONARIES and bool(default_lexicon())
