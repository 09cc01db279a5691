"""Rules per language pair: "en-en", "fi-fi" or "fi-en" (Swedish counts as Finnish: one
multilingual model serves both).

Each threshold was chosen with benchmarks/eval_languages.py --calibrate on held-out labelled
data for a stated precision; the figures are in the README ("Thresholds per language pair").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from language import lexicon
from language import text as textlib
from vocabulary.knowledge import Insight

# Two questions at least this similar (each pair scaled onto the English scale) are one question
# asked twice: the backlog offers "vote for that one instead".
DUPLICATE_QUESTION = 0.85

# A stage is suggested for an insight only from neighbours at least this close by the fused
# score (every language pair on the English-English scale, see CALIBRATION below), and only
# when its two nearest such neighbours share the stage (insights/rules/stages.py).
# benchmarks/eval_stage.py, 150 sentences a set: no parliament sentence (eduskunta_vkk_fi) and
# no Finnish sib200 sentence gets a stage, 4 % of English ones; of the demo insights (each one's
# stage hidden in turn) 46 % get one, 96 % of those right. The rule before (the stage with half
# of the weight of the 7 nearest, no floor): 41-54 % of off-topic sentences got a stage, 65 % of
# the demo insights, 84 % of those right. At 0.25: 7 % of English sib200, 48 % of the demo.
STAGE_NEIGHBOUR = 0.27

THRESHOLDS = {
    # above it a neighbour becomes a suggested link: the fused score for two English texts
    # (banking77: 91 % of neighbours above 0.85 share the intent), the `evidence` otherwise
    # (Turku fi-fi: 80 % are the labelled partner at 0.49; Tatoeba fi-en: 90 % are the
    # translation at 0.61 and 81 % of translations pass); the Finnish figures are lower bounds
    "related": {"en-en": 0.85, "fi-fi": 0.49, "fi-en": 0.61},
    # the `evidence` above which a stored insight is shown as similar to a draft (Add page):
    # precision 0.80 (banking77 same intent 0.64; Turku partner 0.49; translation 0.54, which
    # 91 % of translations pass)
    "similar": {"en-en": 0.64, "fi-fi": 0.49, "fi-en": 0.54},
    # a dense score above which two texts are flagged as possible duplicates: English from the
    # demo data's near-duplicates; Turku full paraphrases at precision 0.96 (0.91); Tatoeba
    # translations at precision 0.95 (0.57, 61 % of translations flagged)
    "duplicate": {"en-en": 0.93, "fi-fi": 0.91, "fi-en": 0.57},
    # a dense score above which an insight "may answer" an open question: English from
    # benchmarks/eval_backlog.py; Finnish and across languages the dense "similar" thresholds
    # (precision 0.80 on Turku partners and Tatoeba translations)
    "answers": {"en-en": 0.70, "fi-fi": 0.49, "fi-en": 0.45},
}


def pair_key(language_a: str, language_b: str) -> str:
    """ "en-en", "fi-fi" or "fi-en": the language pair a threshold is calibrated for."""
    english = (language_a == "en") + (language_b == "en")
    return {2: "en-en", 1: "fi-en", 0: "fi-fi"}[english]


# Across languages without a dictionary into English (Swedish, or none installed) nothing is
# shared, the text is not glossed (its vector holds e5 alone, see language/bilingual.py) and the
# `evidence` is the dense score: its own thresholds (eval_languages.py --calibrate
# --no-dictionary on held-out Tatoeba: a link and a possible duplicate at the translation's
# precision 0.90 and 0.95, a hint and "may answer" at 0.80; they keep 77 % / 88 % / 67 % of
# translations for a link / hint / duplicate, against 81 % / 91 % / 61 % with the
# dictionaries, and 37 % / 51 % when MiniLM still read such a text as it is).
DENSE_ONLY_ACROSS = {"related": 0.56, "similar": 0.51, "duplicate": 0.60, "answers": 0.51}


def _dense_only(language_a: str, language_b: str) -> bool:
    """Whether an English text and one in a language without a dictionary meet (dense alone)."""
    if pair_key(language_a, language_b) != "fi-en":
        return False
    other = language_b if language_a == "en" else language_a
    return not lexicon.words_cross(other)


def threshold(kind: str, language_a: str, language_b: str) -> float:
    """The calibrated threshold of a kind ("related", "duplicate", "answers") for a pair."""
    if kind in DENSE_ONLY_ACROSS and _dense_only(language_a, language_b):
        return DENSE_ONLY_ACROSS[kind]
    return THRESHOLDS[kind][pair_key(language_a, language_b)]


# Across languages the words a pair shares count besides its meaning (retrieval/concepts.py):
# by this weight in the fused score that ranks (retrieval/fusion.py) and in `evidence`.
SHARED_WORDS_WEIGHT = 0.2


def evidence(dense: float, shared: float = 0.0) -> float:
    """What a pair's "similar" and "related" thresholds read: its dense score, plus across
    languages SHARED_WORDS_WEIGHT x the share of words it translates (0 within a language)."""
    return dense + SHARED_WORDS_WEIGHT * shared


def suggests_link(
    score: float, dense: float, language: str, other: str, shared: float = 0.0
) -> bool:
    """Whether a neighbour becomes a suggested link: by its fused score between two English
    texts, by its `evidence` where a non-English text is involved (calibrated on held-out
    Finnish data, the dense score separates related from unrelated better there)."""
    key = pair_key(language, other)
    value = score if key == "en-en" else evidence(dense, shared)
    return value >= threshold("related", language, other)


def related_threshold(language: str, other: str | None = None) -> float:
    """The score above which a neighbour becomes a suggested link."""
    return threshold("related", language, language if other is None else other)


# One scale for every language pair. A fused score x (dense and lexical, 1.0 = identical) of a
# text in language a against one in language b reads as slope * x + offset, so that a score
# means about the same chance of "the same subject" whatever the two languages: English-English
# is the reference. Without it a Finnish text's words lift its Finnish neighbours (which share
# stems) above English ones of the same subject, and the bilingual space's cross pairs read
# higher than MiniLM's English ones. Fitted by benchmarks/eval_pool.py --calibrate (logistic
# regression of "same topic" on each pair's scores, on a tuning part of sib200; figures in the
# README), per kind of score: "related" (stored text against stored texts, the lexical part
# relative to the text's own) and "search" (a query; the lexical part relative to the query's
# own). A Finnish query's English hits then read 0.019 below their fitted line: so that half
# of a Finnish query's top 10 on the tuning pool is English, as a language-blind ranking has it
# (equal odds alone left 61-68 % English, and Turku paraphrase queries found an English news
# sentence first 2.4 % of the time). An English query's Finnish hits keep their scores:
# fitted on sib200 they fell to 0.76x, and an English query then found a Finnish translation
# first among unrelated English sentences 54 % of the time instead of 80 % (held-out
# Tatoeba), and no Finnish insight of the demo data on its subject.
# Keys: the first text's language, then the other's ("fi-en": a Finnish text's English
# neighbour); "en-en" stays as it is.
Calibration = dict[str, dict[str, tuple[float, float]]]
CEILING_KNEE = 0.9
CALIBRATION_FILE = Path(__file__).parent / "weights" / "pair_calibration.json"
CALIBRATION: Calibration = {
    kind: {key: (float(k), float(c)) for key, (k, c) in table.items()}
    for kind, table in json.loads(CALIBRATION_FILE.read_text()).items()
}


def calibrated(
    scores: np.ndarray, english_a, english_b, kind: str, calibration: Calibration | None
) -> np.ndarray:
    """Fused scores of texts in languages a (English or not) against texts in b on the common
    scale of `calibration` (none: as they are). Either side may be one flag or an array."""
    if not calibration:
        return scores
    lines = calibration[kind]
    # (slope, offset) by [a is English][b is English]; English-English is the reference
    table = np.asarray(
        [[lines.get(f"{a}-{b}", (1.0, 0.0)) for b in ("fi", "en")] for a in ("fi", "en")],
        dtype=np.float32,
    )
    a = np.asarray(english_a, dtype=bool)
    b = np.asarray(english_b, dtype=bool)
    # where: one pass over the rows (a fancy-indexed gather of the table took 2 ms at 100,000)
    slope, offset = (
        np.where(b, np.where(a, t[1, 1], t[0, 1]), np.where(a, t[1, 0], t[0, 0]))
        for t in (table[..., 0], table[..., 1])
    )
    lifted = scores * slope + offset
    # Below 1.0 ("identical"), as on the reference's scale, yet in order: the steep lines
    # would put every strong pair of short notes on 1.0 and lose which is nearer, so above
    # CEILING_KNEE a line bends towards 1.0 instead of reaching it (English pairs keep theirs).
    room = 1.0 - CEILING_KNEE
    bent = CEILING_KNEE + room * np.tanh((lifted - CEILING_KNEE) / room)
    english_pair = np.logical_and(a, b)
    return np.where((lifted > CEILING_KNEE) & ~english_pair, bent, lifted).astype(np.float32)


# A question and its translation: the dense score at which 90 % of Tatoeba neighbours in the
# other language are the translation.
TRANSLATED_QUESTION = 0.50


def duplicate_question_threshold(language_a: str, language_b: str) -> float:
    """The dense score above which two questions may be one (the asker is offered to vote for
    the stored one instead): DUPLICATE_QUESTION between English ones; a Finnish question and an
    English one at the translation's precision 0.90 (TRANSLATED_QUESTION;
    "Miksi torstain toimitukset myöhästyvät?" and "Why are Thursday deliveries late?" score
    0.65); two Finnish ones at the Finnish duplicate threshold."""
    key = pair_key(language_a, language_b)
    if key == "en-en":
        return DUPLICATE_QUESTION
    if key == "fi-fi":
        return THRESHOLDS["duplicate"][key]
    if _dense_only(language_a, language_b):  # the translation at precision 0.90, as a link
        return DENSE_ONLY_ACROSS["related"]
    return TRANSLATED_QUESTION


class PairScales:
    """What the dense score of two texts is multiplied by, so that 1.0 means "identical" for
    every pair of languages.

    An embedder that weighs the parts of a vector by the text's language gives each text a
    form (`form_of(language)`); two texts' dot product then reads the parts their forms share,
    and `table[a][b]` undoes that weight (language/bilingual.py). One form for every text: 1.0.
    """

    def __init__(self, table, form_of: Callable[[str], int]) -> None:
        self.table = np.asarray(table, dtype=np.float32)
        self._form_of = form_of
        self.uniform = bool(np.all(self.table == 1.0))

    @classmethod
    def by_english(cls, scale: float = 1.0) -> PairScales:
        """Two forms, English and the rest; pairs of one of each multiplied by `scale`."""
        return cls([[1.0, scale], [scale, 1.0]], lambda language: int(language == "en"))

    def form(self, language: str) -> int:
        """The form of a text in `language`."""
        return self._form_of(language)

    def forms(self, languages: Iterable[str]) -> np.ndarray:
        """The forms of texts in these languages."""
        return np.asarray([self._form_of(lang) for lang in languages], dtype=np.int8)

    def scaled(self, dense: np.ndarray, forms_a, forms_b) -> np.ndarray:
        """Dense scores of texts of forms a against texts of forms b (either side one form or
        an array), each pair multiplied by its scale."""
        if self.uniform:
            return dense
        return dense * self.table[forms_a, forms_b]


def answer_matches(
    sims: np.ndarray,
    insight_languages: list[str],
    question_languages: list[str],
    scales: PairScales,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, scores) of the insight x question similarities (dense, unscaled) that
    pass their pair's "may answer" threshold."""
    scaled = scales.scaled(
        sims, scales.forms(insight_languages)[:, None], scales.forms(question_languages)[None, :]
    )
    limits = np.asarray(
        [[threshold("answers", a, b) for b in question_languages] for a in insight_languages],
        dtype=np.float32,
    )
    rows, cols = np.nonzero(scaled >= limits)
    return rows, cols, scaled[rows, cols]


def is_near_duplicate(text: str, other: Insight, dense: float, language: str | None = None) -> bool:
    """Two texts say the same thing: nearly equal vectors (a threshold per language pair, so a
    near-translation counts too), mostly the same stemmed words, or close vectors with many
    shared words."""
    language = language or textlib.detect_language(text)
    if textlib.content_hash(text) == other.content_hash:
        return True
    if dense >= threshold("duplicate", language, other.language):
        return True
    if language != other.language:
        return False
    a = set(textlib.stems(textlib.words(text), other.language))
    b = set(textlib.stems(textlib.words(other.text), other.language))
    shared = len(a & b) / len(a | b) if a and b else 0.0
    # close in meaning and in words (demo data's near-duplicates; bilingual dense scale)
    return shared >= 0.6 or (dense >= 0.75 and shared >= 0.4)
