"""The quick note's suggestions (insights/suggesting.py): accuracy and coverage per field, chosen
on one part of the data and reported on the part held back, against the issue's targets
(sentiment right >= 85 %; stage and segment right where the nearest insights agree).

Data and labels:
- demo: the 158 demo insights (data/demo/insights.csv) with the sentiment, segment, journey
  stage, touchpoint and tags their authors gave; each insight's fields hidden in turn and
  suggested from the other 157 (leave one out). Rows 0, 2, 4, ... are the tuning part (the
  word lists were written looking at them), rows 1, 3, 5, ... the held-back part.
- banking77: customer messages to a bank, labelled by their intent (../shared/evaldata). Our
  sentiment label comes from the intent, decided once per intent before measuring (NEGATIVE
  and NEUTRAL below): negative where the customer reports something gone wrong (a declined or
  failed payment, a lost card, a charge not recognised), neutral where they ask how or whether
  (exchange rates, limits, getting a card); intents that mix both (waiting, fees, refunds,
  cancelling) are left out. banking77 has no positive messages. 400 labelled train messages
  are stored; 400 test messages are suggested for (the first 200 tune, the last 200 report).
- off-topic: sib200 sentences (English and Finnish) and parliament answers, each suggested for
  among the demo insights: a stage, segment or touchpoint should rarely come.

Needs the real model (language.bilingual.default_embedder; HF_HUB_OFFLINE=1) and evaldata.
Usage: python benchmarks/eval_suggestions.py [--sample 150]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.demo import DEMO_DIR  # noqa: E402
from insights import InsightIn, KnowledgeBase  # noqa: E402
from insights.rules import suggestions as rules  # noqa: E402
from insights.suggesting import SEARCHED, sentiment_suggestion  # noqa: E402
from language.bilingual import default_embedder  # noqa: E402

EVALDATA = ROOT.parent / "shared" / "evaldata"
NEGATIVE = [
    "card_not_working",
    "lost_or_stolen_card",
    "pin_blocked",
    "contactless_not_working",
    "wrong_amount_of_cash_received",
    "transfer_not_received_by_recipient",
    "top_up_reverted",
    "balance_not_updated_after_cheque_or_cash_deposit",
    "card_payment_not_recognised",
    "unable_to_verify_identity",
    "compromised_card",
    "direct_debit_payment_not_recognised",
    "declined_cash_withdrawal",
    "lost_or_stolen_phone",
    "declined_transfer",
    "Refund_not_showing_up",
    "declined_card_payment",
    "card_swallowed",
    "transaction_charged_twice",
    "failed_transfer",
    "virtual_card_not_working",
    "top_up_failed",
    "balance_not_updated_after_bank_transfer",
    "cash_withdrawal_not_recognised",
    "card_payment_wrong_exchange_rate",
    "extra_charge_on_statement",
    "wrong_exchange_rate_for_cash_withdrawal",
]
NEUTRAL = [
    "exchange_rate",
    "fiat_currency_support",
    "card_delivery_estimate",
    "automatic_top_up",
    "exchange_via_app",
    "age_limit",
    "top_up_limits",
    "supported_cards_and_currencies",
    "getting_virtual_card",
    "card_acceptance",
    "edit_personal_details",
    "why_verify_identity",
    "get_physical_card",
    "visa_or_mastercard",
    "topping_up_by_card",
    "disposable_card_limits",
    "atm_support",
    "change_pin",
    "receiving_money",
    "transfer_into_account",
    "getting_spare_card",
    "top_up_by_cash_or_cheque",
    "order_physical_card",
    "get_disposable_virtual_card",
    "activate_my_card",
    "apple_pay_or_google_pay",
    "verify_my_identity",
    "country_support",
    "card_linking",
]
OFF_TOPIC = {
    "parliament (fi)": ("eduskunta_vkk_fi/test.csv", "sentence"),
    "sib200 fi": ("sib200_train/fin_Latn.csv", "text"),
    "sib200 en": ("sib200_train/eng_Latn.csv", "text"),
}
FLOORS = (0.2, 0.27, 0.35, 0.45)
TARGETS = {"sentiment": 0.85, "journey_stage": None, "segment": None}  # None: report only
Case = tuple[str, dict, list]  # text, its true fields, its hits (best first)


def banking_rows(file: str, count: int) -> list[tuple[str, str]]:
    """`count` labelled (text, sentiment) rows of a banking77 file, in a fixed random order."""
    with open(EVALDATA / "banking77" / file, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labelled = [
        (r["text"], "negative" if r["category"] in NEGATIVE else "neutral")
        for r in rows
        if r["category"] in NEGATIVE or r["category"] in NEUTRAL
    ]
    random.Random(7).shuffle(labelled)
    return labelled[:count]


def score(cases: list[Case], guess: Callable[[str, list], str | None], field: str) -> tuple:
    """(share right of those given, share given, how many) for one field."""
    given = [(truth[field], guess(text, hits)) for text, truth, hits in cases if truth.get(field)]
    answered = [(t, g) for t, g in given if g is not None]
    right = sum(t == g for t, g in answered) / max(1, len(answered))
    return right, len(answered) / max(1, len(given)), len(given)


def neighbour_rule(field: str, floor: float) -> Callable[[str, list], str | None]:
    def guess(text: str, hits: list) -> str | None:
        found = rules.agreed(hits, field, floor)
        return found[0] if found else None

    return guess


def sentiment_rules() -> dict[str, Callable[[str, list], str | None]]:
    """The ways of suggesting a sentiment compared; "words, then neighbours" is the product's."""

    def words(text: str, hits: list) -> str | None:
        found = rules.sentiment_from_words(text)
        return found[0] if found else None

    def words_or_neutral(text: str, hits: list) -> str | None:
        return words(text, hits) or "neutral"

    def both(text: str, hits: list) -> str | None:
        mine, theirs = words(text, hits), neighbour_rule("sentiment", rules.NEIGHBOUR_FLOOR)
        near = theirs(text, hits)
        return mine if mine is not None and mine == near else None

    def not_against(text: str, hits: list) -> str | None:
        near = neighbour_rule("sentiment", rules.NEIGHBOUR_FLOOR)(text, hits)
        mine = words(text, hits)
        return near if mine is None or mine == near else None

    def words_then_neighbours(text: str, hits: list) -> str | None:
        return words(text, hits) or neighbour_rule("sentiment", rules.NEIGHBOUR_FLOOR)(text, hits)

    def negative_needs_words(text: str, hits: list) -> str | None:
        near = not_against(text, hits)
        return None if near == "negative" and words(text, hits) != "negative" else near

    def product(text: str, hits: list) -> str | None:
        found = sentiment_suggestion(text, hits)
        return found.value if found else None

    def vote(text: str, hits: list) -> str | None:  # the weighted majority of the 7 nearest
        weights: dict[str, float] = {}
        for hit in rules.on_subject(hits)[:7]:
            if hit.insight.sentiment:
                weights[hit.insight.sentiment] = weights.get(hit.insight.sentiment, 0) + hit.score
        return max(weights, key=lambda k: weights[k]) if weights else None

    return {
        "words only": words,
        "words, else neutral": words_or_neutral,
        "neighbours agree": neighbour_rule("sentiment", rules.NEIGHBOUR_FLOOR),
        "nearest 7 vote": vote,
        "words and neighbours agree": both,
        "words, then neighbours": words_then_neighbours,
        "neighbours unless words differ": not_against,
        "... and a problem only in the note's words (product)": negative_needs_words,
        "the product (insights/suggesting.py)": product,
    }


def report(name: str, tune: list[Case], held: list[Case], fields: tuple[str, ...]) -> None:
    print(f"\n== {name}: tuning part {len(tune)}, held-back part {len(held)}")
    if "sentiment" in fields:
        for rule_name, guess in sentiment_rules().items():
            t, h = score(tune, guess, "sentiment"), score(held, guess, "sentiment")
            print(
                f"sentiment  {rule_name:40s} tune {t[0]:4.0%} right, {t[1]:4.0%} given | "
                f"held back {h[0]:4.0%} right, {h[1]:4.0%} given (n={h[2]})"
            )
    for field in (f for f in fields if f not in ("sentiment", "tags")):
        for floor in FLOORS:
            guess = neighbour_rule(field, floor)
            t, h = score(tune, guess, field), score(held, guess, field)
            mark = " <- product" if floor == rules.NEIGHBOUR_FLOOR else ""
            print(
                f"{field:13s} floor {floor:.2f} tune {t[0]:4.0%} right, {t[1]:4.0%} given | "
                f"held back {h[0]:4.0%} right, {h[1]:4.0%} given (n={h[2]}){mark}"
            )
    if "tags" in fields:
        for part, cases in (("tune", tune), ("held back", held)):
            suggested = right = 0
            for _text, truth, hits in cases:
                for tag, _near, _of in rules.agreed_tags(hits):
                    suggested += 1
                    right += tag in truth["tags"]
            print(
                f"tags       {part}: {suggested} suggested, {right / max(1, suggested):.0%} "
                f"carried by the insight itself ({suggested / max(1, len(cases)):.1f} a note)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=150, help="off-topic sentences per set")
    args = parser.parse_args()
    random.seed(1)
    embedder = default_embedder()
    with tempfile.TemporaryDirectory() as folder:
        demo = KnowledgeBase.open(Path(folder) / "demo.duckdb", embedder=embedder)
        with open(DEMO_DIR / "insights.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        items = [
            InsightIn.model_validate(
                {k: v for k, v in r.items() if v and k not in ("study", "tags")}
                | {"tags": r["tags"].split(";") if r["tags"] else []}
            )
            for r in rows
        ]
        demo.add_many(items)
        stored = sorted(demo.insights.browse(limit=1000)[0], key=lambda i: i.id)
        cases: list[Case] = []
        for insight in stored:
            hits = demo.insights.search(insight.text, k=SEARCHED + 1)
            cases.append(
                (
                    insight.text,
                    insight.model_dump(mode="json"),
                    [h for h in hits if h.insight_id != insight.id],
                )
            )
        off = {}
        for name, (file, column) in OFF_TOPIC.items():
            with open(EVALDATA / file, encoding="utf-8", newline="") as handle:
                texts = [r[column] for r in csv.DictReader(handle)]
            sample = random.sample(texts, min(args.sample, len(texts)))
            off[name] = [(t, {}, demo.insights.search(t, k=SEARCHED)) for t in sample]
        demo.close()

        bank = KnowledgeBase.open(Path(folder) / "bank.duckdb", embedder=embedder)
        bank.add_many(
            [
                InsightIn(text=text, sentiment=label, external_id=str(n), source="support ticket")
                for n, (text, label) in enumerate(banking_rows("train.csv", 400))
            ]
        )
        queries = banking_rows("test.csv", 400)
        bank_cases: list[Case] = [
            (text, {"sentiment": label}, bank.insights.search(text, k=SEARCHED))
            for text, label in queries
        ]
        bank.close()

    fields = ("sentiment", "journey_stage", "segment", "touchpoint", "tags")
    report("demo insights (leave one out)", cases[0::2], cases[1::2], fields)
    report("banking77 (intent-labelled)", bank_cases[:200], bank_cases[200:], ("sentiment",))
    print("\n== off-topic sentences among the demo insights: share given a value")
    for name, found in off.items():
        shares = {
            field: sum(rules.agreed(h, field) is not None for _t, _x, h in found) / len(found)
            for field in ("journey_stage", "segment", "touchpoint")
        }
        tags = sum(bool(rules.agreed_tags(h)) for _t, _x, h in found) / len(found)
        print(
            f"{name:16s} "
            + ", ".join(f"{field} {share:.0%}" for field, share in shares.items())
            + f", tags {tags:.0%}"
        )

    print("\n== against the targets (held-back parts)")
    product = sentiment_rules()["the product (insights/suggesting.py)"]
    for name, held in (("demo", cases[1::2]), ("banking77", bank_cases[200:])):
        right, given, n = score(held, product, "sentiment")
        verdict = "met" if right >= 0.85 else "NOT met"
        print(
            f"sentiment {name}: {right:.0%} right of {given:.0%} given (n={n}): "
            f"target 85 % {verdict}"
        )
    for field in ("journey_stage", "segment"):
        right, given, n = score(cases[1::2], neighbour_rule(field, rules.NEIGHBOUR_FLOOR), field)
        print(f"{field} demo: {right:.0%} right where the nearest agree ({given:.0%} of n={n})")


if __name__ == "__main__":
    main()
