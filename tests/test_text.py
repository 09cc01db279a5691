from language import text


def test_content_hash_ignores_case_and_spacing_but_not_words():
    assert text.content_hash("Slow  checkout\n") == text.content_hash("slow checkout")
    assert text.content_hash("slow checkout") != text.content_hash("slow check-in")


def test_language_detection_english_finnish_swedish():
    assert text.detect_language("The delivery was late again on Thursday") == "en"
    assert text.detect_language("Toimitus myöhästyi taas torstaina") == "fi"
    assert text.detect_language("Leveransen var försenad igen på torsdag") == "sv"


def test_finnish_inflections_share_lexical_features():
    plural = set(text.lexical_terms("toimitukset", "fi"))
    singular = set(text.lexical_terms("toimitus", "fi"))
    # the stems differ (toimituks / toimitus) but most character n-grams are shared
    assert len(plural & singular) >= 4


def test_query_terms_cover_english_plural():
    assert "w:deliveri" in text.query_terms("deliveries")
    assert "w:deliveri" in text.lexical_terms("delivery", "en")


def test_snippet_marks_matches_by_stem():
    pieces = text.snippet("Torstain toimitukset myöhästyvät aina.", "toimitus", "fi")
    assert ("toimitukset", True) in pieces
    assert "".join(p for p, _ in pieces) == "Torstain toimitukset myöhästyvät aina."


def test_snippet_windows_long_text_around_match():
    long = "word " * 200 + "checkout is slow " + "word " * 200
    pieces = text.snippet(long, "checkout", "en", width=100)
    joined = "".join(p for p, _ in pieces)
    assert "checkout" in joined and joined.startswith("… ") and joined.endswith(" …")


def test_escape_markdown_neutralises_markup():
    escaped = text.escape_markdown("<script>alert(1)</script> **bold** [x](http://a)")
    assert "<script>" not in escaped and "**" not in escaped and "](" not in escaped
