"""Which column holds which field: a guess that knows English and Finnish column names."""

from __future__ import annotations

import re

# field -> names a column may carry (lower case, without punctuation), most specific first
SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "feedback", "comment", "comments", "palaute", "kommentti", "vapaa palaute",
             "avoin palaute", "message", "viesti", "description", "kuvaus", "answer", "vastaus",
             "sentence", "observation", "havainto", "note", "muistiinpano", "body"),
    "title": ("title", "otsikko", "subject", "aihe", "summary", "yhteenveto"),
    "observed_at": ("date", "pvm", "päivämäärä", "paivamaara", "created", "created at",
                    "observed at", "timestamp", "aika", "ajankohta", "luotu"),
    "segment": ("segment", "asiakassegmentti", "segmentti", "customer segment",
                "asiakasryhmä", "customer type", "asiakastyyppi"),
    "touchpoint": ("touchpoint", "kosketuspiste", "palvelukanava", "channel touchpoint"),
    "journey_stage": ("journey stage", "stage", "vaihe", "polun vaihe", "asiakaspolun vaihe"),
    "channel": ("channel", "kanava"),
    "source": ("source", "lähde", "lahde"),
    "author": ("author", "tekijä", "tekija", "kirjoittaja", "reporter", "agent"),
    "team": ("team", "tiimi", "department", "osasto"),
    "tags": ("tags", "tag", "tunnisteet", "avainsanat", "category", "kategoria", "luokka"),
    "external_id": ("id", "external id", "ticket id", "ticket", "tiketti", "response id",
                    "vastaus id", "tunniste", "case id"),
    "score": ("score", "nps", "pisteet", "arvosana", "suositteluhalukkuus", "rating"),
}  # fmt: skip


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[_\-.:/]+", " ", name.lower()).split())


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Field -> column, for the columns whose names say what they hold."""
    normal = {_normal(c): c for c in columns}
    mapping: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            if name in normal and normal[name] not in mapping.values():
                mapping[field] = normal[name]
                break
    if "text" not in mapping and len(columns) == 1:
        mapping["text"] = columns[0]
    return mapping
