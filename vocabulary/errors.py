"""Domain errors: what went wrong, in words a person can act on.

An error carries its English message as a template with `{placeholders}` and the values to
fill in (`InvalidInput("{field} is empty; fill it in", field="text")`): `str(error)` is the
English text filled in (logs, the command line), and a page shows it in the reader's language
(views.i18n.error_text looks the template up in the catalogues and writes the numbers as that
language does). A value may itself be a `Message` (or a list of them), translated alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Values written as they are, not as counts (an id, a row or line number, a year: "row 1234")
PLAIN_VALUES = frozenset({"row", "line", "page", "position", "version", "year", "id"})


def _plain_number(value: int | float, decimals: int | None = None) -> str:
    return f"{value:,}" if decimals is None else f"{value:,.{decimals}f}"


@dataclass(frozen=True)
class Message:
    """A message for a person: its English template and the values of its placeholders."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)

    def fill(
        self,
        translate: Callable[[str], str] = lambda message: message,
        number: Callable[..., str] = _plain_number,
    ) -> str:
        """The message in a language: `translate` turns an English template (or one of our
        field names) into that language, `number` writes a count as it does."""
        text = translate(self.template)
        if not self.values:
            return text
        return text.format(**{k: _value(k, v, translate, number) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.fill()


def _value(key: str, value: Any, translate, number) -> str:
    if isinstance(value, Message):
        return value.fill(translate, number)
    if isinstance(value, list | tuple) and all(isinstance(v, Message) for v in value):
        return "; ".join(v.fill(translate, number) for v in value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        if key in PLAIN_VALUES or key.endswith(("_id", "_version", "_number")):
            return str(value)
        if value != value or value in (float("inf"), float("-inf")):  # int() of them raises
            return str(value)
        return number(value) if isinstance(value, int) or value == int(value) else number(value, 1)
    if key == "field":  # one of our fields ("text", "observed_at"): a word in the catalogues
        return translate(str(value))
    return str(value)


class OivallusError(Exception):
    """Base of every error the domain raises on purpose: an English template and its values
    (see the module's doc); `str()` is the English text."""

    def __init__(self, message: str | Message = "", /, **values: Any) -> None:
        if isinstance(message, Message):
            self.message = Message(message.template, {**message.values, **values})
        else:
            self.message = Message(message, values)
        super().__init__(str(self.message))

    @classmethod
    def like(cls, error: BaseException):
        """This kind of error saying what `error` said (its template and values when it is
        one of ours)."""
        if isinstance(error, OivallusError):
            return cls(error.message)
        return cls(Message("{problem}", {"problem": str(error)}))


class ReadError(OivallusError, ValueError):
    """The file cannot be read as the kind of file it claims to be (also a ValueError, as it
    was before the one root: a reader's caller may catch either)."""


class PartlyImported(ReadError):
    """The file broke off midway: the rows before were stored (undoable), the rest not (its
    values: inserted, responses, import_id and the problem)."""


class BackupError(OivallusError, ValueError):
    """A backup cannot be written or restored (the message says why and what to do; also a
    ValueError, as it was)."""


class NotFound(OivallusError):
    """The thing asked for does not exist (or was deleted)."""


class InvalidInput(OivallusError):
    """Input that cannot be stored; the message names the field and what to do (`{field}` and
    `{row}` in the template are filled from them)."""

    def __init__(
        self,
        message: str | Message = "",
        field: str | None = None,
        row: int | None = None,
        **values: Any,
    ) -> None:
        named = {k: v for k, v in (("field", field), ("row", row)) if v is not None}
        super().__init__(message, **named, **values)
        self.field = field
        self.row = row


class Said(str):
    """A message's English text that keeps the message, where a plain string must travel (a
    reader's row problem inside a row of strings): `str` everywhere, translatable by a page."""

    message: Message

    def __new__(cls, template: str, **values: Any) -> Said:
        message = Message(template, values)
        said = super().__new__(cls, str(message))
        said.message = message
        return said


class InvalidValue(ValueError):
    """A value that fails a check, as a `Message` (a validator raises it; pydantic wraps it as
    a ValueError and describe_validation_error keeps its template)."""

    def __init__(self, message: str, **values: Any) -> None:
        self.message = Message(message, values)
        super().__init__(str(self.message))


# How pydantic's errors read to a person, by its error type
_PYDANTIC = {
    "missing": Message("{field} is empty or missing; fill it in"),
    "string_too_short": Message("{field} is empty; write something in it"),
    "string_too_long": Message("{field} is too long (at most {max_length} characters); shorten it"),
    "enum": Message("{field} must be one of {expected}"),
    "literal_error": Message("{field} must be one of {expected}"),
    "date_from_datetime_parsing": Message("{field} is not a date; write 2026-05-31 or 31.5.2026"),
    "date_parsing": Message("{field} is not a date; write 2026-05-31 or 31.5.2026"),
    "date_type": Message("{field} is not a date; write 2026-05-31 or 31.5.2026"),
    "int_parsing": Message("{field} must be a whole number"),
    "int_type": Message("{field} must be a whole number"),
    "float_parsing": Message("{field} must be a number"),
    "string_pattern_mismatch": Message("{field} is not in the expected form"),
    "greater_than_equal": Message("{field} must be at least {ge}"),
    "less_than_equal": Message("{field} must be at most {le}"),
}


def describe_validation_error(error, row: int | None = None) -> InvalidInput:
    """Turn a pydantic ValidationError into one InvalidInput naming each field and the fix."""
    parts = []
    first_field = None
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "input"
        first_field = first_field or where
        ctx = item.get("ctx") or {}
        cause = ctx.get("error")
        said = _PYDANTIC.get(item["type"])
        if said is not None:
            parts.append(
                Message(
                    said.template,
                    {
                        "field": where,
                        **{k: v if isinstance(v, int | float) else str(v) for k, v in ctx.items()},
                    },
                )
            )
        elif isinstance(cause, InvalidValue):
            parts.append(Message("{field} {problem}", {"field": where, "problem": cause.message}))
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            parts.append(Message("{field} {problem}", {"field": where, "problem": message}))
    if row is not None:
        return InvalidInput("Row {row}: {problems}", field=first_field, row=row, problems=parts)
    return InvalidInput("{problems}", field=first_field, problems=parts)


class DatabaseInUse(OivallusError):
    """The database file is held by another process (DuckDB lets one process open it)."""


class StorageFailure(OivallusError):
    """A write could not be stored (disk full, file not writable): nothing of it was kept."""


@dataclass(frozen=True)
class Changed:
    """One insight someone else changed after a person loaded it: which, from which version
    to which, and who made the latest change when (from its history)."""

    insight_id: int
    expected_version: int
    current_version: int
    changed_by: str | None
    changed_at: datetime | None

    def describe(self) -> Message:
        """'insight #5 was changed by aino at 2026-12-05 14:03 (now version 3; you started
        from version 1)'."""
        values = {
            "insight_id": self.insight_id,
            "who": self.changed_by or Message("the system"),
            "current_version": self.current_version,
            "expected_version": self.expected_version,
        }
        if self.changed_at:
            return Message(
                "insight #{insight_id} was changed by {who} at {at} (now version "
                "{current_version}; you started from version {expected_version})",
                {**values, "at": f"{self.changed_at:%Y-%m-%d %H:%M}"},
            )
        return Message(
            "insight #{insight_id} was changed by {who} (now version {current_version}; you "
            "started from version {expected_version})",
            values,
        )


class EditConflict(OivallusError):
    """An edit started from a version of an insight that someone else has changed since: it is
    refused and nothing of it stored (for a bulk edit: nothing at all). `changed` names each
    insight that moved on; reload it (or merge) and save again against its new version."""

    def __init__(self, changed: list[Changed]) -> None:
        self.changed = changed
        if len(changed) == 1:
            super().__init__(
                Message(
                    "Not saved: {change}. Reload it or merge, then save again.",
                    {"change": changed[0].describe()},
                )
            )
        else:
            super().__init__(
                Message(
                    "Not saved: {count} of the insights changed since you loaded them: "
                    "{changes}{more}. Nothing was changed; apply it again to their current "
                    "versions.",
                    {
                        "count": len(changed),
                        "changes": [c.describe() for c in changed[:5]],
                        "more": "; …" if len(changed) > 5 else "",
                    },
                )
            )

    @property
    def insight_id(self) -> int:
        """The (first) insight that changed meanwhile."""
        return self.changed[0].insight_id

    @property
    def current_version(self) -> int:
        """Its version now (what to save against after a reload or merge)."""
        return self.changed[0].current_version
