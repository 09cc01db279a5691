"""PII scrubbing on positive and negative examples."""

from __future__ import annotations

import pytest

from readers.pii import scrub, valid_card, valid_henkilotunnus, valid_iban

POSITIVE = [
    ("Contact me at aino.virtanen@example.fi please", "email", "[email]"),
    ("mail: MIKKO+test@firma.co.uk", "email", "[email]"),
    ("Soita numeroon 040 123 4567 illalla", "phone", "[phone]"),
    ("puh. 09-123 4567", "phone", "[phone]"),
    ("call +358 40 1234567 tomorrow", "phone", "[phone]"),
    ("UK office +44 20 7946 0958", "phone", "[phone]"),
    ("hetu 131052-308T asiakkaalla", "henkilotunnus", "[henkilötunnus]"),
    ("born 2000s: 010203A1230", "henkilotunnus", "[henkilötunnus]"),
    ("tili FI21 1234 5600 0007 85 kiitos", "iban", "[iban]"),
    ("IBAN DE89370400440532013000", "iban", "[iban]"),
    ("card 4111 1111 1111 1111 was charged", "card", "[card]"),
    ("Mastercard 5555-5555-5555-4444", "card", "[card]"),
]

NEGATIVE = [
    "Order 12345 arrived late",
    "hetu 131052-308A with a wrong check character",
    "date 32.13.2026 and code 321352-308T (no such day)",
    "FI21 1234 5600 0007 86 has a wrong IBAN checksum",
    "4111 1111 1111 1112 fails the Luhn check",
    "NPS rose from 31 to 36 in Q2",
    "Price 1 299,00 euros for 12 boxes",
    "user@localhost is not an address we scrub",
]


@pytest.mark.parametrize("text, kind, placeholder", POSITIVE)
def test_personal_data_is_replaced(text, kind, placeholder):
    cleaned, counts = scrub(text)
    assert placeholder in cleaned and counts[kind] == 1, cleaned


@pytest.mark.parametrize("text", NEGATIVE)
def test_lookalikes_stay(text):
    cleaned, counts = scrub(text)
    assert cleaned == text and not counts, cleaned


def test_counts_every_kind_in_one_text():
    text = "a@b.fi, 040 765 4321, 131052-308T, FI21 1234 5600 0007 85, 4111111111111111"
    cleaned, counts = scrub(text)
    assert dict(counts) == {"email": 1, "phone": 1, "henkilotunnus": 1, "iban": 1, "card": 1}
    assert not any(ch.isdigit() for ch in cleaned)


def test_check_functions():
    assert valid_henkilotunnus("131052", "-", "308", "T")
    assert not valid_henkilotunnus("131052", "-", "308", "U")
    assert valid_iban("GB82 WEST 1234 5698 7654 32")
    assert not valid_iban("GB82 WEST 1234 5698 7654 33")
    assert valid_card("378282246310005") and not valid_card("378282246310006")
