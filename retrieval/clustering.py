"""Theme discovery: k-means over smoothed sentence vectors, c-TF-IDF labels, stable matching.

- How many themes: k = round(1.5 x sqrt(n)), between 2 and MAX_THEMES (about 40 insights per
  theme at a few thousand insights, more per theme as the collection grows).
- Seeding: the previous run's centroids seed the next one, so recomputing keeps themes in place;
  missing seeds come from k-means++.
- Labels: class-based TF-IDF (each theme's words against all themes') over words and word pairs,
  English and Finnish stop words left out; a theme is labelled by its three most distinctive.
- Matching: a new cluster inherits the id (and a person's name) of the old theme it shares most
  insights with, when their overlap (Jaccard over insights that existed before) is >= MATCH_MIN.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

MAX_THEMES = 300
MATCH_MIN = 0.3
LARGE = 20_000  # above this many insights, mini-batch k-means
LABEL_TERMS = 3

_FINNISH = """
aina jälkeen aivan ehkä ei eikä eivät emme en enemmän ennen enää esim et ette ettei että he heidän
heille heillä heitä hän hänen häntä ihan ilman itse ja jne jo johon joiden joihin joiksi joilla
joille joilta joina joissa joista joita joka joksi jolla jolle jolta jona jonka jos jossa josta
jota joten jotka jotta kai kaikki kanssa kautta koko koska kuin kuinka kuitenkin kuka kun kyllä
lisäksi me meidän meille meillä meitä melko miksi mikä mille millä miltä minkä minua minulla
minulle minun minä missä mistä miten mitkä mitä mukaan mutta myös myöskin ne niiden niihin
niille niillä niin niistä niitä noin nyt ole olemme olen olet olette oli olimme olin olisi
olisivat olit olitte olivat olla olleet ollut on ovat paljon se sekin sekä sen siihen siinä
siis siitä sille sillä siltä sinua sinulla sinulle sinun sinä sitten sitä taas tai te teidän
teille teillä teitä todella tosi tuo tuon tuota tähän tämä tämän tässä tästä tätä vaan vai
vaikka vain vielä voi voisi vähän yli
"""
FINNISH_STOP_WORDS = frozenset(_FINNISH.split())


def theme_count(n: int) -> int:
    """How many themes for n insights."""
    if n < 2:
        return n
    return max(2, min(MAX_THEMES, round(1.5 * math.sqrt(n)), n))


def cluster(
    vectors: np.ndarray,
    seeds: np.ndarray | None = None,
    k: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign each vector to a theme; returns (labels, centroids: the mean of each theme).

    Seeded with the centroids of a converged run on the same vectors, k-means starts at its
    fixed point and returns the same themes.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = len(vectors)
    k = k or theme_count(n)
    if k <= 1:
        return np.zeros(n, dtype=np.int64), vectors.mean(axis=0, keepdims=True)
    init = _initial_centroids(vectors, seeds, k)
    if n > LARGE:
        model = MiniBatchKMeans(
            k, init=init, n_init=1, batch_size=4096, random_state=0, max_no_improvement=20
        )
    else:
        model = KMeans(k, init=init, n_init=1, random_state=0, tol=0.0)  # to a fixed point
    labels = model.fit_predict(vectors)
    if progress:
        progress(1, 1)
    labels = _drop_empty(labels)
    centroids = np.stack([vectors[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    return labels, centroids


def unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1."""
    return _unit(matrix)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _initial_centroids(vectors: np.ndarray, seeds: np.ndarray | None, k: int) -> np.ndarray:
    from sklearn.cluster import kmeans_plusplus

    # (seeds of another space: the collection changed from English-only to mixed or back)
    if seeds is not None and len(seeds) and seeds.shape[1] == vectors.shape[1]:
        kept = seeds[:k]
    else:
        kept = np.zeros((0, vectors.shape[1]))
    if len(kept) == k:
        return kept.astype(vectors.dtype)
    sample = vectors if len(vectors) <= 50_000 else vectors[:: max(1, len(vectors) // 50_000)]
    extra, _ = kmeans_plusplus(sample, k, random_state=0)
    if len(kept):  # of the k-means++ picks, keep those farthest from the seeds
        distance = 1 - (extra @ _unit(kept).T).max(axis=1)
        extra = extra[np.argsort(-distance)[: k - len(kept)]]
    return np.concatenate([kept, extra]).astype(vectors.dtype)


def _drop_empty(labels: np.ndarray) -> np.ndarray:
    _, compact = np.unique(labels, return_inverse=True)
    return compact.astype(np.int64)


APOSTROPHES = "'’‘ʼ´`"  # people type contractions with any of these
_ENGLISH_WORD = re.compile(rf"[^\W\d_]+(?:[{APOSTROPHES}][^\W\d_]+)*")


def label_tokens(text: str, language: str) -> list[str]:
    """The words a theme label may use from one text, and the pairs of them.

    Finnish: Voikko base forms of nouns, adjectives, verbs and names, without common ones
    ("asiakkaat" -> "asiakas"; "voidaan", "torstain" -> nothing, "torstai"); Snowball-free, so
    labels read as words. Other languages: words of 3+ letters without stop words; contractions
    ("didn't") count as stop words.
    """
    from language import morphology

    if language == "fi" and morphology.available():
        kept = []
        for word in re.findall(r"[^\W\d_]{3,}", text.lower()):
            found = morphology.content_lemma(word)
            if found and len(found) >= 3 and found not in FINNISH_STOP_WORDS:
                kept.append(found)
    else:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words = _ENGLISH_WORD.findall(text.lower())
        kept = [
            w
            for w in words
            if len(w) >= 3
            and not any(a in w for a in APOSTROPHES)
            and w not in ENGLISH_STOP_WORDS
            and w not in FINNISH_STOP_WORDS
        ]
    return kept + [f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False)]


def labels_for(
    texts: list[str],
    labels: np.ndarray,
    top: int = LABEL_TERMS,
    languages: list[str] | None = None,
) -> list[str]:
    """A label per theme from its most distinctive words (c-TF-IDF), in its languages: a
    theme with a fifth or more of its texts in a second language shows terms of both."""
    from sklearn.feature_extraction.text import CountVectorizer

    languages = languages or ["en"] * len(texts)
    themes = int(labels.max()) + 1 if len(labels) else 0
    joined: list[list[str]] = [[] for _ in range(themes)]
    term_language: dict[str, str] = {}
    language_counts: list[dict[str, int]] = [{} for _ in range(themes)]
    for text, label, language in zip(texts, labels, languages, strict=True):
        tokens = label_tokens(text, language)
        joined[label].extend(tokens)
        for token in tokens:
            term_language.setdefault(token, language)
        counts = language_counts[label]
        counts[language] = counts.get(language, 0) + 1
    vectorizer = CountVectorizer(analyzer=lambda tokens: tokens, min_df=1)
    counts = vectorizer.fit_transform(joined).astype(np.float64)
    terms = np.asarray(vectorizer.get_feature_names_out())
    per_theme = np.asarray(counts.sum(axis=1)).ravel()
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    average = per_theme.mean() if themes else 1.0
    idf = np.log(1 + average / np.maximum(frequency, 1))
    result = []
    for theme in range(themes):
        row = counts.getrow(theme)
        if not row.nnz:
            result.append(f"Theme {theme + 1}")
            continue
        weights = row.data / max(per_theme[theme], 1) * idf[row.indices]
        order = terms[row.indices[np.argsort(-weights, kind="stable")]]
        size = sum(language_counts[theme].values())
        present = [
            lang
            for lang, n in sorted(language_counts[theme].items(), key=lambda x: -x[1])
            if n >= 0.2 * size
        ]
        result.append(" · ".join(_choose(order, top, present, term_language)))
    return result


def _choose(order, top: int, languages: list[str], term_language: dict[str, str]) -> list[str]:
    """The best distinct terms, taking turns between the theme's languages."""
    queues = {lang: [t for t in order if term_language.get(t) == lang] for lang in languages}
    queues = {lang: q for lang, q in queues.items() if q} or {"any": list(order)}
    chosen: list[str] = []
    size = top if len(queues) == 1 else max(top, 2 * len(queues))
    while len(chosen) < size and any(queues.values()):
        for queue in queues.values():
            while queue:
                term = queue.pop(0)
                if not any(term in c or c in term for c in chosen):
                    chosen.append(term)  # "late delivery" already says "late"
                    break
            if len(chosen) == size:
                break
    return chosen


def match(old: dict[int, set[int]], new: list[set[int]], existed: set[int]) -> dict[int, int]:
    """New cluster index -> old theme id, greedily by overlap (Jaccard on insights in both runs)."""
    pairs = []
    for index, members in enumerate(new):
        known = members & existed
        for theme_id, old_members in old.items():
            shared = len(known & old_members)
            if shared:
                pairs.append((shared / len(known | old_members), index, theme_id))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    result: dict[int, int] = {}
    taken: set[int] = set()
    for overlap, index, theme_id in pairs:
        if overlap < MATCH_MIN:
            break
        if index not in result and theme_id not in taken:
            result[index] = theme_id
            taken.add(theme_id)
    return result
