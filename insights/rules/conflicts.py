"""When two people edit one insight at once: what differs, and the merge a person is offered.

An edit carries the version it started from (`kb.curation.edit(..., expected_version=)`); when
someone saved in between, it is refused with `EditConflict`. The edit page then shows what
differs (`differences`) and offers the merge made here (`merge_edit`), saved again against the
newer version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vocabulary.knowledge import Insight, InsightIn

FIELDS = tuple(name for name in InsightIn.model_fields if name != "language")


def _values(item: InsightIn | Insight | dict) -> dict:
    data = item if isinstance(item, dict) else item.model_dump(include=set(FIELDS))
    return InsightIn.model_validate({k: data.get(k) for k in FIELDS if k in data}).model_dump(
        include=set(FIELDS)
    )


def differences(
    theirs: InsightIn | Insight, mine: InsightIn | dict
) -> list[tuple[str, object, object]]:
    """(field, their value, my value) for every field where the stored insight and my edit
    differ, in the form's order."""
    stored, edited = _values(theirs), _values(mine)
    return [(name, stored[name], edited[name]) for name in FIELDS if stored[name] != edited[name]]


@dataclass
class Merged:
    """A merge to put in the edit form: `draft` holds their version with my changes where they
    did not touch the same field (tags: both sides' additions and removals), `version` is what
    to save against, `clashes` the fields both changed (theirs kept), `my_text` my text when
    the text clashed (for me to re-apply by hand)."""

    draft: InsightIn
    version: int
    clashes: list[str] = field(default_factory=list)
    my_text: str | None = None


def merge_tags(started: list[str] | None, theirs: list[str], mine: list[str]) -> list[str]:
    """Their tags plus the ones I added, less the ones I removed (from what I started from);
    without a starting point, the union of both."""
    if started is None:
        return list(dict.fromkeys([*theirs, *mine]))
    added = [t for t in mine if t not in started]
    removed = {t for t in started if t not in mine}
    return [t for t in dict.fromkeys([*theirs, *added]) if t not in removed]


def merge_edit(
    started: InsightIn | Insight | dict | None, theirs: Insight, mine: InsightIn | dict
) -> Merged:
    """Merge my edit (begun from `started`, the version my form loaded) into `theirs`, the
    version stored now: tags merge as changes (both sides' additions kept); any other field
    takes my value only where they left it as it was and I changed it; where both changed it,
    theirs stays (for the text, mine comes back as `my_text` to re-apply)."""
    stored, edited = _values(theirs), _values(mine)
    before = _values(started) if started is not None else None
    result, clashes = dict(stored), []
    for name in FIELDS:
        if name == "tags":
            result["tags"] = merge_tags(
                before["tags"] if before else None, stored["tags"], edited["tags"]
            )
            continue
        if edited[name] == stored[name]:
            continue
        if before is not None and stored[name] == before[name]:
            result[name] = edited[name]  # only I changed it
        elif before is None or edited[name] != before[name]:
            clashes.append(name)  # both changed it (or unknown): theirs stays
    my_text = edited["text"] if "text" in clashes else None
    return Merged(
        draft=InsightIn.model_validate(result),
        version=theirs.version,
        clashes=clashes,
        my_text=my_text,
    )
