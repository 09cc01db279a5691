"""One pool across languages: Finnish and English insights link, search and cluster as one.

Real model throughout (the point is quality); Voikko from Debian (installed by `make`).
"""

from __future__ import annotations

import numpy as np
import pytest

from insights import InsightIn, KnowledgeBase
from language import morphology, pairs
from language.embeddings import _e5_style
from language.text import lexical_terms, query_terms
from retrieval import clustering

LATE_FI = "Tilaukseni saapui kolme viikkoa myöhässä, eikä kukaan vastannut sähköposteihini."
LATE_EN = "My order arrived three weeks late, and nobody answered my emails."
OTHERS = [
    "The mobile app crashes when I try to pay with a credit card.",
    "Prices went up far too much last year, we are thinking of switching.",
    "Myymälän henkilökunta oli ystävällistä ja auttoi löytämään oikean koon.",
    "Kirjautuminen verkkopankkiin ei onnistu uudella puhelimella.",
    "The staff at the store were friendly and helped me find the right size.",
    "Hinnat nousivat viime vuonna aivan liikaa, harkitsemme vaihtamista.",
]


@pytest.fixture(scope="module")
def pool(tmp_path_factory, real_embedder):
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("pool") / "pool.duckdb", real_embedder)
    ids = kb.add_many([InsightIn(text=t) for t in [LATE_FI, LATE_EN, *OTHERS]])
    kb.wait_for_links()
    yield kb, ids
    kb.close()


@pytest.mark.slow
def test_finnish_note_and_its_english_twin_link_and_find_each_other(pool):
    kb, ids = pool
    fi_id, en_id = ids[0], ids[1]
    assert kb.get(fi_id).language == "fi" and kb.get(en_id).language == "en"
    suggested = {link.other.id: link for link in kb.insights.links(fi_id)}
    assert en_id in suggested, [(k, v.score) for k, v in suggested.items()]
    assert suggested[en_id].duplicate, "a near-translation is flagged as a possible duplicate"
    assert kb.related(fi_id, k=1)[0].insight_id == en_id
    assert kb.search(LATE_FI, k=1)[0].insight_id == fi_id
    assert kb.search("order three weeks late", k=1)[0].insight_id in (fi_id, en_id)
    # a sentence finds both languages (two-word queries across languages are weak: see README)
    found = [h.insight_id for h in kb.search("Tilaus tuli kolme viikkoa myöhässä", k=2)]
    assert set(found) == {fi_id, en_id}, [kb.get(i).text for i in found]
    found = [h.insight_id for h in kb.search("The order was three weeks late", k=2)]
    assert set(found) == {fi_id, en_id}, [kb.get(i).text for i in found]


@pytest.mark.slow
def test_unrelated_finnish_texts_score_below_the_fi_fi_link_threshold(pool):
    kb, ids = pool
    fi_texts = {ids[0], ids[4], ids[5]}  # late order, shop staff, online bank
    for insight_id in fi_texts:
        for hit in kb.related(insight_id, k=5):
            if hit.insight_id in fi_texts:
                assert not pairs.suggests_link(hit.score, hit.dense_score, "fi", "fi"), (
                    kb.get(insight_id).text,
                    hit.insight.text,
                    hit.dense_score,
                )


@pytest.mark.slow
def test_translations_share_a_theme_with_a_two_language_label(tmp_path, real_embedder):
    kb = KnowledgeBase.open(tmp_path / "themes.duckdb", real_embedder)
    topics = {
        "delivery": [
            ("Toimitus tuli kaksi viikkoa myöhässä.", "The delivery came two weeks late."),
            ("Paketti myöhästyi taas viikolla.", "The parcel was late again by a week."),
            (
                "Kuljetus viivästyi eikä kukaan ilmoittanut.",
                "Shipping was delayed and no one told us.",
            ),
        ],
        "payment": [
            ("Maksu kortilla epäonnistui kassalla.", "Card payment failed at the checkout."),
            ("Maksaminen sovelluksessa ei toimi.", "Paying in the app does not work."),
            ("Korttimaksu hylättiin kahdesti.", "The card payment was declined twice."),
        ],
    }
    items, topic_of = [], {}
    for twins in topics.values():
        for fi, en in twins:
            items += [InsightIn(text=fi), InsightIn(text=en)]
    ids = kb.add_many(items)
    for (topic, twins), start in zip(topics.items(), (0, 6), strict=True):
        for offset in range(len(twins) * 2):
            topic_of[ids[start + offset]] = topic
    kb.wait_for_links()
    themes = kb.themes.recompute_themes()
    labels = [t.label for t in themes]
    for theme in themes:
        assert len({topic_of[i] for i in theme.insight_ids}) == 1, labels
    theme_of = {j: t.id for t in themes for j in t.insight_ids}
    together = sum(theme_of[ids[i]] == theme_of[ids[i + 1]] for i in range(0, len(ids), 2))
    assert together >= 5, labels  # of 6 translation pairs (12 insights make 5 themes)
    for theme in themes:
        languages = {kb.get(i).language for i in theme.insight_ids}
        if languages == {"fi", "en"}:
            words = [w for term in theme.label.split(" · ") for w in term.split()]
            assert any(morphology.analyse(w)[0] for w in words), theme.label  # Finnish lemmas
            assert any(not morphology.analyse(w)[0] for w in words), theme.label  # English
    kb.close()


@pytest.mark.slow
def test_a_swedish_note_meets_its_finnish_and_english_twins(pool):
    kb, ids = pool
    fi_id, en_id = ids[0], ids[1]
    sv = kb.add(InsightIn(text="Min beställning kom tre veckor för sent och ingen svarade."))
    assert sv.insight.language == "sv"
    # no dictionary reads Swedish into English: its vector holds e5 alone (MiniLM reading
    # Swedish as it is would only be noise against English texts)
    vector = kb.index.raw_vectors([sv.insight.id])[0]
    assert not vector[: kb.embedder.english.dim].any() and np.linalg.norm(vector) > 0.99
    assert kb.search("beställning för sent", k=1)[0].insight_id == sv.insight.id
    kb.wait_for_links()
    assert {h.insight_id for h in kb.related(sv.insight.id, k=2)} == {fi_id, en_id}
    suggested = {link.other.id for link in kb.insights.links(sv.insight.id)}
    assert en_id in suggested and fi_id in suggested, suggested
    found = [h.insight_id for h in kb.search("The order was three weeks late", k=3)]
    assert sv.insight.id in found, [kb.get(i).text for i in found]


def test_finnish_compounds_and_inflections_meet_in_lexical_terms():
    assert morphology.available(), "Voikko is installed by make (libvoikko1, voikko-fi)"
    compound = set(lexical_terms("Asiakaspalvelu vastasi nopeasti.", "fi"))
    assert {"w:asiakaspalvelu", "p:asiakas", "p:palvelu"} <= compound
    inflected = set(lexical_terms("Asiakkaan palvelu oli hidasta.", "fi"))
    assert {"w:asiakas", "w:palvelu"} <= inflected
    query = set(query_terms("asiakaspalvelu"))
    assert {"w:asiakas", "w:palvelu", "p:asiakaspalvelu"} <= query


@pytest.mark.slow
def test_search_understands_finnish_morphology(tmp_path, real_embedder):
    kb = KnowledgeBase.open(tmp_path / "fi.duckdb", real_embedder)
    texts = {
        "compound": "Asiakaspalvelu vastasi vasta viikon päästä.",
        "split": "Asiakkaan palvelu kassalla oli hidasta.",
        "late1": "Toimitus oli kaksi viikkoa myöhässä.",
        "late2": "Toimituksemme ovat usein myöhässä torstaisin.",
        "ceo": "Toimitusjohtaja kertoi uudesta strategiasta.",
        "supplier": "Toimittaja vaihtoi pakkausmateriaalia.",
        "editor": "Lehden toimittaja soitti haastattelusta.",
    }
    ids = dict(zip(texts, kb.add_many([InsightIn(text=t) for t in texts.values()]), strict=True))
    service = [h.insight_id for h in kb.search("asiakaspalvelu", k=2)]
    assert set(service) == {ids["compound"], ids["split"]}, service
    assert ids["compound"] in [h.insight_id for h in kb.search("palvelu", k=2)]
    late = [h.insight_id for h in kb.search("toimitus myöhässä", k=2)]
    assert set(late) == {ids["late1"], ids["late2"]}, [kb.get(i).text for i in late]
    kb.close()


def test_finnish_theme_labels_are_lemmas_without_stop_words():
    texts = [
        "Asiakkaat eivät voineet maksaa torstain tilauksia, koska verkkokaupan kassa kaatui.",
        "Voidaan todeta, että osa lapsen tilauksista jäi maksamatta kassalla.",
        "Verkkokaupan kassa ei toiminut ja maksaminen epäonnistui.",
        "Päiväkodin lapset ulkoilivat torstaina koko aamupäivän.",
        "Lapsen päiväkotipaikka järjestyi nopeasti kunnan kautta.",
        "Päiväkodit ovat täynnä, eikä lapsille löydy paikkoja.",
    ]
    labels = clustering.labels_for(texts, np.asarray([0, 0, 0, 1, 1, 1]), languages=["fi"] * 6)
    for label in labels:
        for term in label.split(" · "):
            for word in term.split():
                bases, _ = morphology.analyse(word)
                assert word in bases, (label, word)  # a base form, not an inflection
                assert word not in morphology.STOP_LEMMAS, (label, word)
                assert word not in clustering.FINNISH_STOP_WORDS, (label, word)
    assert "voida" not in " ".join(labels) and "torstain" not in " ".join(labels)


def test_english_labels_have_no_contraction_fragments():
    tokens = clustering.label_tokens("I didn't get my card and the app won't load", "en")
    assert "didn" not in tokens and "won" not in tokens
    assert "card" in tokens


def test_thresholds_are_per_language_pair():
    assert pairs.pair_key("fi", "en") == pairs.pair_key("en", "fi") == "fi-en"
    assert pairs.pair_key("sv", "fi") == "fi-fi"
    for kind in ("related", "similar", "duplicate", "answers"):
        assert set(pairs.THRESHOLDS[kind]) == {"en-en", "fi-fi", "fi-en"}


def test_every_pair_of_vector_forms_reads_one_text_against_itself_as_identical():
    from language.bilingual import SLOTS

    scales = pairs.PairScales(1.0 / (SLOTS @ SLOTS.T), lambda language: 0)
    rng = np.random.default_rng(0)
    minilm, e5 = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 384)))
    # one text in each form: English, read into English (glossed), not read (Swedish)
    vectors = np.stack([np.concatenate([w[0] * minilm, w[1] * e5]) for w in SLOTS])
    forms = np.arange(len(SLOTS))
    scaled = scales.scaled(vectors @ vectors.T, forms[:, None], forms[None, :])
    assert np.allclose(scaled, 1.0, atol=1e-5), scaled
    assert scales.table[1, 2] == pytest.approx(np.sqrt(5), abs=1e-3)  # Swedish-English
    assert pairs.PairScales.by_english().uniform


def test_e5_models_get_their_prompts():
    assert _e5_style("intfloat/multilingual-e5-small")
    assert _e5_style("/srv/models/multilingual-e5-base")
    assert not _e5_style("sentence-transformers/all-MiniLM-L6-v2")


def test_without_voikko_finnish_falls_back_with_one_clear_log_line(monkeypatch, caplog):
    import libvoikko

    def missing(*args, **kwargs):
        raise OSError("libvoikko.so.1: cannot open shared object file")

    monkeypatch.setattr(libvoikko, "Voikko", missing)
    morphology._voikko.cache_clear()
    morphology.analyse.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert not morphology.available()
            terms = lexical_terms("Asiakkaan palvelu oli hidasta.", "fi")
        assert "w:palvelu" in terms and not any(t.startswith("p:") for t in terms)  # Snowball
        assert "libvoikko1 and voikko-fi" in caplog.text
        assert len([r for r in caplog.records if "Voikko" in r.getMessage()]) == 1
    finally:
        morphology._voikko.cache_clear()
        morphology.analyse.cache_clear()
        morphology.content_lemma.cache_clear()


def test_calibration_maps_each_language_pair_onto_the_english_scale():
    table = {"related": {"fi-fi": (2.0, -0.5), "fi-en": (1.0, -0.1), "en-fi": (1.0, 0.2)}}
    scores = np.asarray([0.5, 0.5, 0.5, 0.9], dtype=np.float32)
    english = np.asarray([True, False, True, False])
    # a Finnish text against rows in English, Finnish, English, Finnish
    out = pairs.calibrated(scores, False, english, "related", table)
    assert np.allclose(out[:3], [0.4, 0.5, 0.4])
    # the line would reach 1.3: above the knee it bends towards 1.0 ("identical") instead
    assert 0.99 < out[3] < 1.0
    # an English text: English rows as they are, Finnish ones by the "en-fi" line
    out = pairs.calibrated(scores, True, english, "related", table)
    assert np.allclose(out[:3], [0.5, 0.7, 0.5]) and 0.99 < out[3] < 1.0
    # strong pairs keep their order: nothing is cut at 1.0
    strong = np.asarray([0.7, 0.75, 0.8, 0.9], dtype=np.float32)
    bent = pairs.calibrated(strong, False, False, "related", table)
    assert np.all(np.diff(bent) > 0) and bent.max() < 1.0
    # two English texts keep their fused score, whatever the table says
    english_only = pairs.calibrated(strong, True, True, "related", table)
    assert np.array_equal(english_only, strong)
    assert pairs.calibrated(scores, True, english, "related", None) is scores
    # the shipped table has every pair of both kinds, fitted (not the identity)
    for kind in ("related", "search"):
        assert set(pairs.CALIBRATION[kind]) == {"fi-fi", "fi-en", "en-fi"}
    assert pairs.CALIBRATION["related"]["fi-en"] != (1.0, 0.0)


YOUNG = [
    "The mobile checkout is so slow that customers give up before paying.",
    "Paying with a phone takes ages: the checkout page keeps loading.",
    "Sohvan toimitus myöhästyi kaksi viikkoa luvatusta.",
    "Torstain toimitukset myöhästyvät aina.",
    "Our invoice is missing the company's VAT number.",
]


@pytest.mark.slow
def test_a_five_insight_collection_keeps_its_subjects_apart(tmp_path, real_embedder):
    """Two English checkout notes, two Finnish delivery notes, one invoice note: each note's
    nearest is its twin, in either language, with a clear gap to the other subject."""
    kb = KnowledgeBase.open(tmp_path / "young.duckdb", real_embedder)
    ids = kb.add_many([InsightIn(text=t) for t in YOUNG])
    kb.wait_for_links()
    for one, twin in ((0, 1), (1, 0), (2, 3), (3, 2)):
        hits = kb.related(ids[one], k=4)
        assert hits[0].insight_id == ids[twin], [(kb.get(h.insight_id).text, h.score) for h in hits]
        others = [h.score for h in hits[1:]]
        assert hits[0].score > max(others) + 0.08, [h.score for h in hits]
    kb.close()


@pytest.mark.slow
def test_a_finnish_question_is_caught_as_a_duplicate_of_its_english_twin(tmp_path, real_embedder):
    kb = KnowledgeBase.open(tmp_path / "questions.duckdb", real_embedder)
    english = kb.backlog.ask({"text": "Why are Thursday deliveries late?"})
    kb.backlog.ask({"text": "Where in checkout do mobile customers give up?"})
    similar = kb.backlog.similar_questions("Miksi torstain toimitukset myöhästyvät?")
    assert similar[0][0].id == english.id
    assert kb.backlog.is_duplicate_question(similar[0][1]), similar[0][1]
    unrelated = kb.backlog.similar_questions("Miksi asiakkaat haluavat verkkolaskun?")
    assert not any(kb.backlog.is_duplicate_question(s) for _, s in unrelated), unrelated
    kb.close()
