"""Which column holds which field: a guess from English, Finnish and Swedish column names (an
export's own headers in each language among them) and, for score columns, from the values (a
1-5 `rating` is CSAT, not NPS)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from language.interface import Interface

# field -> names a column may carry (lower case, without punctuation), most specific first
SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "feedback",
        "comment",
        "comments",
        "review",
        "reviews",
        "review text",
        "palaute",
        "kommentti",
        "kommentit",
        "vapaa palaute",
        "avoin palaute",
        "arvostelu",
        "message",
        "viesti",
        "description",
        "kuvaus",
        "answer",
        "vastaus",
        "sentence",
        "observation",
        "havainto",
        "note",
        "muistiinpano",
        "body",
        "arvio",
    ),
    "title": ("title", "otsikko", "subject", "aihe", "summary", "yhteenveto"),
    # kept only as a keyed hash beside survey answers (joined with purchases and churn)
    "customer": ("customer id", "customer", "customerid", "asiakasnumero", "asiakas id"),
    "observed_at": (
        "date",
        "pvm",
        "päivämäärä",
        "paivamaara",
        "created",
        "created at",
        "observed at",
        "timestamp",
        "aika",
        "ajankohta",
        "luotu",
    ),
    "segment": (
        "segment",
        "asiakassegmentti",
        "segmentti",
        "customer segment",
        "asiakasryhmä",
        "customer type",
        "asiakastyyppi",
    ),
    "touchpoint": ("touchpoint", "kosketuspiste", "palvelukanava", "channel touchpoint"),
    "journey_stage": ("journey stage", "stage", "vaihe", "polun vaihe", "asiakaspolun vaihe"),
    "channel": ("channel", "kanava"),
    "source": ("source", "lähde", "lahde"),
    "author": ("author", "tekijä", "tekija", "kirjoittaja", "reporter", "agent"),
    "team": ("team", "tiimi", "department", "osasto"),
    "tags": ("tags", "tag", "tunnisteet", "avainsanat", "category", "kategoria", "luokka"),
    "external_id": (
        "id",
        "external id",
        "ticket id",
        "ticket",
        "tiketti",
        "response id",
        "vastaus id",
        "tunniste",
        "case id",
    ),
    "source_url": ("source url", "source address", "lähdeosoite", "lähteen osoite", "källadress"),
    "sentiment": ("sentiment", "label", "polarity", "tunnesävy", "tunnesavy", "sävy", "savy"),
    "kind": ("kind", "type", "insight type", "laji", "havainnon laji"),
    "score": ("nps", "nps score", "suositteluhalukkuus", "likelihood to recommend"),
    "csat": ("csat", "satisfaction", "tyytyväisyys", "tyytyvaisyys"),
    "ces": ("ces", "customer effort", "effort", "vaivattomuus"),
}


def column_names(words: Interface) -> dict[str, str]:
    """An insight's fields as a table's column headers in a language: an export writes them
    (English: the field names, as they always were), the guess below reads them back."""
    return {
        "id": words.text("id"),
        "title": words.text("title"),
        "text": words.text("text"),
        "kind": words.text("kind"),
        "source": words.text("source"),
        "segment": words.text("segment"),
        "touchpoint": words.text("touchpoint"),
        "journey_stage": words.text("journey_stage"),
        "channel": words.text("channel"),
        "sentiment": words.text("sentiment"),
        "language": words.text("language"),
        "observed_at": words.text("observed_at"),
        "author": words.text("author"),
        "team": words.text("team"),
        "tags": words.text("tags"),
        "study_id": words.text("study_id"),
        "external_id": words.text("external_id"),
        "source_url": words.text("source_url"),
        "created_at": words.text("created_at"),
        "updated_at": words.text("updated_at"),
        "created_by": words.text("created_by"),
        "confirmed_links": words.text("confirmed_links"),
        "suggested_links": words.text("suggested_links"),
    }


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """SYNONYMS with our exports' own headers in each language first: an export has "id"
    beside "ulkoinen id" and "created_at" beside "observed_at", and the field's own header is
    the surest name."""
    names = {field: list(found) for field, found in SYNONYMS.items()}
    for code in ("en", "sv", "fi"):
        for field, header in column_names(Interface(code)).items():
            if field in names:
                names[field] = [_normal(header), *(n for n in names[field] if n != _normal(header))]
    return {field: tuple(found) for field, found in names.items()}


# A cell's value -> the field's own value (English and Finnish; a review `label` is 1/0)
VALUES: dict[str, dict[str, str]] = {
    "sentiment": {
        **dict.fromkeys(("positive", "pos", "1", "+1", "+", "true", "yes", "good"), "positive"),
        **dict.fromkeys(("positiivinen", "kyllä", "hyvä"), "positive"),
        **dict.fromkeys(("negative", "neg", "0", "-1", "-", "false", "no", "bad"), "negative"),
        **dict.fromkeys(("negatiivinen", "ei", "huono"), "negative"),
        **dict.fromkeys(("neutral", "neu", "neutraali"), "neutral"),
    },
    "kind": {
        **{k: k for k in ("observation", "finding", "quote", "metric")},
        "havainto": "observation",
        "löydös": "finding",
        "loydos": "finding",
        "lainaus": "quote",
        "sitaatti": "quote",
        "mittari": "metric",
    },
}


def field_value(field: str, value: str) -> str:
    """A cell of a sentiment or kind column as the field's value; raises ValueError naming
    what it takes."""
    found = VALUES[field].get(value.strip().lower())
    if found is None:
        takes = sorted(set(VALUES[field].values()))
        raise ValueError(
            f"{field} {value!r} is none of {', '.join(takes)}"
            + (" (or 1/0)" if field == "sentiment" else "")
        )
    return found


# Names that hold a score whose scale only the values tell (a rating may be 1-5 or 0-10).
SCORE_NAMES = (
    "rating",
    "stars",
    "star rating",
    "score",
    "scores",
    "pisteet",
    "arvosana",
    "tähdet",
    "tahdet",
    "grade",
    "arvio",
)
SCORE_FIELDS = ("score", "csat", "ces")  # NPS 0-10, CSAT 1-5, CES 1-7
SCALE_OF_FIELD = {"score": (0, 10), "csat": (1, 5), "ces": (1, 7)}
SCALE_NAMES = {"score": "NPS (0-10)", "csat": "CSAT (1-5)", "ces": "CES (1-7)"}
_WHOLE = re.compile(r"\s*(\d+)(?:[.,]0+)?\s*")


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[_\-.:/]+", " ", name.lower()).split())


def whole_numbers(values: Iterable[str]) -> list[int] | None:
    """The non-empty values as whole numbers, or None when some are not whole numbers."""
    numbers = []
    for value in values:
        if not (value or "").strip():
            continue
        match = _WHOLE.fullmatch(value)
        if match is None:
            return None
        numbers.append(int(match[1]))
    return numbers


def scale_of(values: Iterable[str]) -> str | None:
    """The score field whose scale the values fit most tightly: 1-5 -> csat, 1-7 -> ces,
    0-10 -> score (NPS); None for text, an empty column or another range (ask the person)."""
    numbers = whole_numbers(values)
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    for field in ("csat", "ces", "score"):
        first, last = SCALE_OF_FIELD[field]
        if first <= low and high <= last:
            return field
    return None


def unclear_scores(columns: list[str], rows: list[dict[str, str]]) -> dict[str, str]:
    """Score-named columns whose numbers fit no scale: column -> the range found."""
    unclear = {}
    for column in columns:
        if _normal(column) not in SCORE_NAMES:
            continue
        numbers = whole_numbers(row.get(column, "") for row in rows)
        if numbers and scale_of(str(n) for n in numbers) is None:
            unclear[column] = f"{min(numbers)}-{max(numbers)}"
    return unclear


def _looks_like_text(values: list[str]) -> bool:
    filled = [v.strip() for v in values if (v or "").strip()]
    if not filled or whole_numbers(filled) is not None:
        return False
    return sum(len(v) for v in filled) / len(filled) >= 20 and sum(
        " " in v for v in filled
    ) * 2 >= len(filled)


def guess_mapping(columns: list[str], rows: list[dict[str, str]] | None = None) -> dict[str, str]:
    """Field -> column, for the columns whose names (and, given some rows, values) say what
    they hold. A score column's scale comes from its values unless its name says it (an "nps"
    column stays NPS, and its rows off the scale are rejected one by one). Without a named
    text column, the column of longest free text is the text."""
    rows = rows or []
    normal = {_normal(c): c for c in columns}
    mapping: dict[str, str] = {}

    def values(column: str) -> list[str]:
        return [row.get(column) or "" for row in rows]

    for field, names in _names().items():
        for name in names:
            column = normal.get(name)
            if column is None or column in mapping.values():
                continue
            if (
                field == "text"
                and name == "arvio"
                and rows
                and whole_numbers(values(column)) is not None
            ):
                continue  # "arvio" with numbers is a rating, not a review
            if field in VALUES and any(
                v.strip() and v.strip().lower() not in VALUES[field] for v in values(column)
            ):
                continue  # a "label" or "type" of other values: not a sentiment or kind
            mapping[field] = column
            break
    for name in SCORE_NAMES:
        column = normal.get(name)
        if column is None or column in mapping.values():
            continue
        scale = scale_of(values(column)) if rows else "score"
        if scale is not None and scale not in mapping:
            mapping[scale] = column
    if "text" not in mapping:
        free = [c for c in columns if c not in mapping.values() and not c.startswith("__")]
        texts = [c for c in free if _looks_like_text(values(c))]
        if texts:
            mapping["text"] = max(texts, key=lambda c: sum(len(v) for v in values(c)))
        elif len(columns) == 1 and not mapping:
            mapping["text"] = columns[0]
    return mapping


def row_plan(mapping: dict[str, str], rows: list[dict[str, str]]) -> dict[str, int]:
    """What the rows will make under a mapping: {"insights": n, "nps": n, "csat": n, "ces": n}
    (a row with text makes an insight, each filled score column a survey response)."""
    metric = {"score": "nps", "csat": "csat", "ces": "ces"}
    plan = {"insights": 0, "nps": 0, "csat": 0, "ces": 0}
    for row in rows:
        scores = [f for f in SCORE_FIELDS if f in mapping and (row.get(mapping[f]) or "").strip()]
        text = (row.get(mapping.get("text", "")) or "").strip()
        if text or not scores:
            plan["insights"] += bool(text)
        for field in scores:
            plan[metric[field]] += 1
    return plan


def undated_rows(mapping: dict[str, str], rows: list[dict[str, str]]) -> int:
    """How many of the rows make something (an insight or a response) without a date: what
    they make belongs to no period (trends and period counts leave it out)."""
    plan = row_plan(mapping, rows)
    if not any(plan.values()):
        return 0
    column = mapping.get("observed_at", "")
    return sum(
        1
        for row in rows
        if not (row.get(column) or "").strip()
        and any(
            (row.get(mapping[f]) or "").strip() for f in ("text", *SCORE_FIELDS) if f in mapping
        )
    )
