"""Words count across languages: a Finnish text and an English one on one subject share their
words through the bilingual dictionaries (language/lexicon.py, retrieval/concepts.py).

The dictionaries and Voikko come from Debian (installed by `make`); the fake embedder keeps the
meaning out of it, so only the shared words can rank a text of the other language.
"""

from __future__ import annotations

import numpy as np
import pytest

from insights import InsightIn, KnowledgeBase
from language import lexicon, pairs
from language.lexicon import Lexicon, default_lexicon
from language.text import lexical_terms
from retrieval.concepts import ConceptIndex
from retrieval.lexical import LexicalIndex
from tests.doubles import HashingEmbedder

SOFA_FI = "Sohvan toimitus myöhästyi kaksi viikkoa luvatusta."
FINNISH = [
    SOFA_FI,
    "Laskussa on väärä summa ja yrityksen nimi puuttuu.",
    "Sovellus kaatuu aina kun yritän kirjautua sisään.",
    "Myymälän henkilökunta oli ystävällistä ja auttoi löytämään koon.",
]
SOFA_EN = "The delivery of my sofa was two weeks late."
ENGLISH = [
    SOFA_EN,
    "The invoice shows the wrong amount and lacks the company name.",
    "The app always crashes when I try to log in.",
    "The staff in the shop were friendly and helped me find my size.",
]


def names(concepts) -> set[str]:
    by_id = {i: stem for stem, i in default_lexicon().ids.items()}
    return {by_id[int(c)] for c in concepts}


def test_a_finnish_word_in_any_form_reads_as_its_english_translations():
    concepts = names(default_lexicon().text_concepts(SOFA_FI, "fi"))
    # "Sohvan" (genitive), "myöhästyi" (past tense): Voikko's base forms find the dictionary
    assert {"sofa", "deliveri", "late", "week"} <= concepts, concepts
    assert {"deliveri", "sofa", "late", "week"} <= names(
        default_lexicon().text_concepts(SOFA_EN, "en")
    )
    assert "the" not in names(default_lexicon().text_concepts("the and of", "en"))


@pytest.mark.parametrize("query_language", ["en", "fi"])
def test_search_finds_the_text_of_the_other_language_on_the_query_subject(tmp_path, query_language):
    english_query = "My couch arrived two weeks late."
    stored, query = (FINNISH, english_query) if query_language == "en" else (ENGLISH, SOFA_FI)
    kb = KnowledgeBase.open(tmp_path / "kb.duckdb", embedder=HashingEmbedder())
    try:
        ids = kb.add_many([InsightIn(text=t) for t in reversed(stored)])  # the answer last
        hits = kb.search(query, k=4)
        assert hits[0].insight_id == ids[-1], [kb.get(h.insight_id).text for h in hits]
        # by its words, not by chance: the fake embedder's meaning is noise
        assert hits[0].score - hits[1].score > 0.05, [h.score for h in hits]
        assert hits[0].shared_score > 0.3, hits[0]
    finally:
        kb.close()


def test_related_puts_the_translation_first_among_the_other_language(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb.duckdb", embedder=HashingEmbedder())
    try:
        ids = kb.add_many([InsightIn(text=t) for t in FINNISH + ENGLISH])
        kb.wait_for_links()
        for finnish, english in zip(ids[:4], ids[4:], strict=True):
            others = [h.insight_id for h in kb.related(finnish, k=7) if h.insight_id in ids[4:]]
            assert others[0] == english, (kb.get(finnish).text, kb.get(others[0]).text)
    finally:
        kb.close()


def test_the_concepts_follow_the_lexical_index_through_every_block():
    """Rows read from the large block, bulk blocks and the small block alike; a row's concepts
    are those of its text."""
    lexical = LexicalIndex()
    texts = FINNISH + ENGLISH
    languages = ["fi"] * 4 + ["en"] * 4
    concepts = ConceptIndex()
    lexical.add(
        [lexical_terms(t, lang) for t, lang in zip(texts[:3], languages[:3], strict=True)],
        bulk=True,
    )
    lexical.compact()
    concepts.sync(lexical, languages[:3])
    lexical.add([lexical_terms(t, lang) for t, lang in zip(texts[3:], languages[3:], strict=True)])
    concepts.sync(lexical, languages)
    for row, (text, language) in enumerate(zip(texts, languages, strict=True)):
        expected = set(default_lexicon().text_concepts(text, language).tolist())
        got = set(concepts.row(row).tolist())
        # the index also reads compound parts of words it knows whole: never fewer concepts
        assert expected <= got, (text, names(expected - got))
    shared = concepts.shared(concepts.row(4), True, np.arange(4))
    assert int(np.argmax(shared)) == 0 and shared[0] > 0.5, shared


@pytest.fixture
def no_dictionaries(tmp_path, monkeypatch):
    """The dictionaries' folder as `make` did not fill it (each test writes what it wants)."""
    folder = tmp_path / "dictd"
    folder.mkdir()
    monkeypatch.setattr(lexicon, "DICTIONARY_DIR", folder)
    lexicon.default_lexicon.cache_clear()
    yield folder
    lexicon.default_lexicon.cache_clear()


def test_without_the_dictionaries_only_names_and_numbers_cross_and_it_is_said(
    tmp_path, no_dictionaries, caplog
):
    assert not lexicon.default_lexicon() and "dict-freedict-fin-eng" in caplog.text
    # links and hints across languages fall back on the dense score's own thresholds
    assert pairs.threshold("related", "fi", "en") == pairs.DENSE_ONLY_ACROSS["related"]
    assert pairs.threshold("similar", "en", "fi") == pairs.DENSE_ONLY_ACROSS["similar"]
    kb = KnowledgeBase.open(tmp_path / "kb.duckdb", embedder=HashingEmbedder())
    try:
        ids = kb.add_many([InsightIn(text=t) for t in FINNISH])
        hits = kb.search("My couch arrived two weeks late.", k=4)
        assert {h.insight_id for h in hits} == set(ids)
        assert all(h.shared_score == 0 for h in hits)
    finally:
        kb.close()


def test_a_damaged_dictionary_is_said_and_the_knowledge_base_still_opens(
    tmp_path, no_dictionaries, caplog
):
    real = lexicon.Path("/usr/share/dictd")
    for name in ("fin-eng", "eng-fin"):
        (no_dictionaries / f"freedict-{name}.index").write_bytes(
            (real / f"freedict-{name}.index").read_bytes()
        )
        # cut short, as a full disk or an interrupted copy leaves it
        (no_dictionaries / f"freedict-{name}.dict.dz").write_bytes(
            (real / f"freedict-{name}.dict.dz").read_bytes()[:20_000]
        )
    kb = KnowledgeBase.open(tmp_path / "kb.duckdb", embedder=HashingEmbedder())
    try:
        kb.add(InsightIn(text=SOFA_FI))
        assert kb.search(SOFA_EN, k=1)
        assert "not usable" in caplog.text and not lexicon.default_lexicon()
    finally:
        kb.close()


def test_both_directions_of_the_installed_dictionaries_are_read():
    concepts = default_lexicon()
    # "pyörähdys" is no headword of the Finnish-English dictionary, only a translation of
    # English words ("rotation", "twirl") in the English-Finnish one
    found = {
        stem for stem, i in concepts.ids.items() if i in concepts.word_concepts("pyörähdys", "fi")
    }
    assert {"rotat", "twirl"} <= found, found
    assert found, "the English-Finnish direction was not read"


def test_a_lexicon_reads_both_directions_of_the_dictionaries():
    small = Lexicon({"fi": {"kissa": {"cat"}, "koira": {"dog", "hound"}}})
    assert small.size == 3
    assert len(small.word_concepts("koira", "fi")) == 2
    assert small.word_concepts("cat", "en") == small.word_concepts("kissa", "fi")
    assert small.term_concepts("p:kissa", "fi") and not small.term_concepts("<kis", "fi")
    assert not small.word_concepts("kissa", "sv")


def test_across_languages_a_link_reads_the_shared_words_beside_the_meaning():
    # a pair a little below the translation's link threshold on meaning alone
    dense = pairs.THRESHOLDS["related"]["fi-en"] - 0.05
    assert not pairs.suggests_link(0.0, dense, "fi", "en")
    assert pairs.suggests_link(0.0, dense, "fi", "en", shared=0.5)
    # within a language nothing is shared by definition: the dense score decides as before
    assert pairs.evidence(0.4) == 0.4
    assert pairs.suggests_link(0.0, 0.5, "fi", "fi") == (
        pairs.THRESHOLDS["related"]["fi-fi"] <= 0.5
    )


def test_a_finnish_text_is_glossed_word_by_word_into_english():
    small = Lexicon(
        {"fi": {"kissa": {"cat"}, "ruoka": {"food"}}}, {"fi": {"kissa": "cat", "ruoka": "food"}}
    )
    # inflected forms read by their base form (Voikko), a compound by its parts, an unknown
    # word (a name) as it is
    assert small.gloss("Kissan ruokaa", "fi") == "cat food"
    assert small.gloss("Kissaruokaa Oululle", "fi") == "cat food oululle"
    # English and languages without a dictionary come back as they are
    assert small.gloss("Kissan ruokaa", "sv") == "Kissan ruokaa"
    assert small.gloss("The cat's food", "en") == "The cat's food"
    # the version names the glosses (stored vectors are re-embedded when it changes)
    other = Lexicon({"fi": {"kissa": {"cat"}}}, {"fi": {"kissa": "kitten"}})
    assert small.version != other.version and Lexicon({}).version == "none"


def test_the_installed_dictionaries_gloss_a_field_note():
    glossed = default_lexicon().gloss(
        "Mobiilikassa on hidas ja asiakkaat luopuvat ostoksesta", "fi"
    )
    words = set(glossed.split())
    # a confirmed translation is preferred ("hidas" slow, "asiakas" customer); the compound
    # "mobiilikassa" reads as its parts
    assert {"mobile", "checkout", "slow", "customer", "purchase"} <= words, glossed
