"""Text handling shared by search and linking: hashing, language, tokens, stems, snippets."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import Stemmer

from language import morphology

SUPPORTED_LANGUAGES = ("en", "fi", "sv")
_STEMMER_NAMES = {"en": "english", "fi": "finnish", "sv": "swedish"}
_WORD = re.compile(r"\w+", re.UNICODE)
NGRAM = 4


def normalise(text: str) -> str:
    """Casefold, NFC-normalise and collapse whitespace: the form duplicates are judged on."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())


def content_hash(text: str) -> str:
    """A stable hash of the normalised text; equal hashes mean "the same content"."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """Return "en", "fi" or "sv" for a text; short or unclear texts fall back on letters used."""
    sample = text[:600]  # a few sentences tell the language; more only costs time
    language, confidence = _identifier().classify(sample)
    if confidence >= 0.8:
        return language
    lowered = sample.lower()
    if "å" in lowered:
        return "sv"
    if "ä" in lowered or "ö" in lowered:
        return "fi"
    return language


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, underscore; any script)."""
    return _WORD.findall(text.lower())


def stems(tokens: list[str], language: str) -> list[str]:
    """Snowball stems of tokens in the given language."""
    return _stemmer(language).stemWords(tokens)


@lru_cache(maxsize=200_000)
def char_ngrams(stem: str) -> tuple[str, ...]:
    """Character n-grams of one stem with boundary marks; they match Finnish inflections and
    compounds that stemming alone misses ("toimituks" ~ "toimitus")."""
    padded = f"<{stem}>"
    if len(padded) <= NGRAM:
        return (padded,)
    return tuple(padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1))


MAX_INDEXED_TERMS = 192


def lemma_terms(tokens: list[str], query: bool = False) -> list[str]:
    """Finnish base forms ("w:asiakas") and compound parts ("p:palvelu") of tokens; empty
    without Voikko.

    A query also looks for its compounds' parts as whole words and for its words as parts, so
    "asiakaspalvelu" finds "asiakkaan palvelu", and "palvelu" finds "asiakaspalvelu" (a part
    counts less than a whole word: "toimitus" prefers "toimitus" to "toimitusjohtaja").
    """
    out: list[str] = []
    for token in tokens:
        bases, parts = morphology.analyse(token)
        out.extend("w:" + b for b in bases)
        if query:
            out.extend("w:" + p for p in parts)
            out.extend("p:" + b for b in bases)
        else:
            out.extend("p:" + p for p in parts)
    return out


def lexical_terms(text: str, language: str) -> list[str]:
    """The lexical features of a document: its stems plus their character n-grams, and for
    Finnish also its lemmas and compound parts (Voikko).

    A long document keeps every stem but only the n-grams of its first words, up to
    MAX_INDEXED_TERMS distinct terms: the index's memory then grows with the number of
    insights, not with their length (short feedback stays well under the cap).
    """
    tokens = words(text)
    doc_stems = stems(tokens, language)
    terms = ["w:" + s for s in doc_stems]
    if language == "fi":
        known = set(terms)
        terms.extend(t for t in lemma_terms(tokens) if t not in known)
    distinct = set(terms)
    for stem in doc_stems:
        grams: Sequence[str] = char_ngrams(stem)
        if len(distinct) >= MAX_INDEXED_TERMS and not distinct.issuperset(grams):
            grams = [g for g in grams if g in distinct]
        distinct.update(grams)
        terms.extend(grams)
    return terms


def query_terms(query: str) -> list[str]:
    """Lexical features of a query: stems in every supported language (a short query's language
    cannot be told reliably) and the n-grams of those stems, without repeats."""
    tokens = words(query)
    seen: dict[str, None] = dict.fromkeys(lemma_terms(tokens, query=True))
    for language in SUPPORTED_LANGUAGES:
        for stem in stems(tokens, language):
            seen.setdefault("w:" + stem, None)
            for gram in char_ngrams(stem):
                seen.setdefault(gram, None)
    return list(seen)


def _matches(token: str, query_stems: set[str], language: str) -> bool:
    stem = stems([token], language)[0]
    if stem in query_stems:
        return True
    # A shared prefix of five letters catches Finnish forms the stemmer keeps apart.
    return len(stem) >= 5 and any(len(q) >= 5 and q[:5] == stem[:5] for q in query_stems)


def snippet(text: str, query: str, language: str, width: int = 240) -> list[tuple[str, bool]]:
    """A window of `text` around the first query match, as (piece, is_match) pairs.

    The pieces are raw text: the caller escapes them for whatever it renders into.
    """
    tokens = words(query)
    query_stems = {s for lang in SUPPORTED_LANGUAGES for s in stems(tokens, lang)}
    spans = [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if query_stems and _matches(m.group().lower(), query_stems, language)
    ]
    start = 0
    if spans and spans[0][0] > width // 3:
        start = text.rfind(" ", 0, spans[0][0] - width // 3) + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces: list[tuple[str, bool]] = [("… ", False)] if start > 0 else []
    cursor = start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        if s > cursor:
            pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    if cursor < end:
        pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append((" …", False))
    return pieces


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


_BARE_LINK = re.compile(r"(?i)(://|\bwww(?=\.)|@(?=\w))")
_WORD_JOINER = "\u2060"  # invisible; stops the browser's own link detection


def escape_markdown(text: str) -> str:
    """Escape text so that Markdown renders it literally (no links, HTML, emphasis or LaTeX).

    Escaping is not enough for bare addresses ("http://...", "www...", "aino@example.com"),
    which the app's Markdown renderer turns into live (mailto:) links on its own: an invisible
    word joiner goes into them, so they show as text.
    """
    return _MARKDOWN_SPECIAL.sub(
        r"\\\1", _BARE_LINK.sub(lambda m: m.group(1)[0] + _WORD_JOINER + m.group(1)[1:], text)
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value):
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or
    line break) gets a leading apostrophe, as OWASP advises; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(frame) -> str:
    """A pandas DataFrame as CSV text with every cell made safe by `csv_safe`."""
    return frame.map(csv_safe).to_csv(index=False)


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 vote', '2 votes', '0 votes', '1 234 insights': a count with its noun in the right
    number (`many` for irregular plurals)."""
    word = one if count == 1 else (many or one + "s")
    return f"{count:,} {word}".replace(",", " ")
