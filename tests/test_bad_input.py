"""Bad input gets a clear message naming the field; what is stored comes back byte for byte."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from insights import InsightIn, InvalidInput
from vocabulary.errors import describe_validation_error


def message_for(**fields) -> str:
    with pytest.raises(ValidationError) as error:
        InsightIn(**fields)
    return str(describe_validation_error(error.value))


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text(text):
    assert message_for(text=text) == "text is empty; write something in it"


def test_too_long_text():
    assert "text is too long (at most 20,000 characters)" in message_for(text="a" * 20_001)
    assert InsightIn(text="a" * 20_000).text == "a" * 20_000


@pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "escape\x1b[31m"])
def test_control_characters_are_refused(bad):
    message = message_for(text=bad)
    assert message.startswith("text contains a control character")


def test_control_characters_in_other_fields_name_that_field():
    assert message_for(text="ok", team="Sa\x00les").startswith("team contains a control character")


def test_unknown_kind_names_the_field():
    assert message_for(text="ok", kind="rumour").startswith("kind ")


TRICKY = [
    "<script>alert('x')</script><b>bold</b>",
    "'; DROP TABLE insights; --",
    "Robert'); DELETE FROM insights WHERE ('1'='1",
    "Asiakas oli tyytyväinen 😀👍🏽 — hyvä!",
    "Åsa sade: kundtjänsten är för långsam i Vörå",
    "Äiti öljyää – ÄÖÅ äöå",
    "tabs\tand\nnew lines\r\nkept",
    "中文 العربية ελληνικά",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_is_stored_byte_for_byte(kb, text):
    insight_id = kb.add_many([InsightIn(text=text, title=text[:50], tags=["ok"])])[0]
    stored = kb.get(insight_id)
    assert stored.text == text
    assert stored.text.encode("utf-8") == text.encode("utf-8")
    assert kb.search(text, k=1)[0].insight_id == insight_id


def test_sql_looking_text_leaves_tables_intact(kb):
    kb.add_many([InsightIn(text=t) for t in TRICKY])
    assert kb.count() == len(TRICKY)


def test_bad_filter_value_is_a_clear_error(kb):
    with pytest.raises(InvalidInput) as error:
        kb.search("x", observed_from="not a date")
    assert "observed_from" in str(error.value)
