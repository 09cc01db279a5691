"""Domain errors: what went wrong, in words a person can act on."""

from dataclasses import dataclass
from datetime import datetime


class OivallusError(Exception):
    """Base of every error the domain raises on purpose."""


class ReadError(OivallusError, ValueError):
    """The file cannot be read as the kind of file it claims to be (also a ValueError, as it
    was before the one root: a reader's caller may catch either)."""


class PartlyImported(ReadError):
    """The file broke off midway: the rows before were stored (undoable), the rest not. It
    carries its counts, the import's id and why it broke off, for a view to say in the
    person's language."""

    def __init__(
        self,
        message: str,
        inserted: int = 0,
        responses: int = 0,
        import_id: int | None = None,
        cause: str = "",
    ) -> None:
        super().__init__(message)
        self.inserted = inserted
        self.responses = responses
        self.import_id = import_id
        self.cause = cause


class BackupError(OivallusError, ValueError):
    """A backup cannot be written or restored (the message says why and what to do; also a
    ValueError, as it was)."""


class NotFound(OivallusError):
    """The thing asked for does not exist (or was deleted)."""


class InvalidInput(OivallusError):
    """Input that cannot be stored; the message names the field and what to do."""

    def __init__(self, message: str, field: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.row = row


def describe_validation_error(error, row: int | None = None) -> InvalidInput:
    """Turn a pydantic ValidationError into one InvalidInput naming each field and the fix."""
    parts = []
    first_field = None
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "input"
        first_field = first_field or field
        message = item["msg"]
        if item["type"] == "missing":
            message = "is empty or missing; fill it in"
        elif item["type"] == "string_too_short":
            message = "is empty; write something in it"
        elif item["type"] == "string_too_long":
            limit = item.get("ctx", {}).get("max_length")
            message = f"is too long (at most {limit} characters); shorten it"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        parts.append(f"{field} {message}")
    where = f"Row {row}: " if row is not None else ""
    return InvalidInput(where + "; ".join(parts), field=first_field, row=row)


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

    def describe(self) -> str:
        """'insight #5 was changed by aino at 2026-12-05 14:03 (now version 3; you started
        from version 1)'."""
        who = self.changed_by or "the system"
        when = f" at {self.changed_at:%Y-%m-%d %H:%M}" if self.changed_at else ""
        return (
            f"insight #{self.insight_id} was changed by {who}{when} (now version "
            f"{self.current_version}; you started from version {self.expected_version})"
        )


class EditConflict(OivallusError):
    """An edit started from a version of an insight that someone else has changed since: it is
    refused and nothing of it stored (for a bulk edit: nothing at all). `changed` names each
    insight that moved on; reload it (or merge) and save again against its new version."""

    def __init__(self, changed: list[Changed]) -> None:
        self.changed = changed
        first = changed[0]
        if len(changed) == 1:
            message = f"Not saved: {first.describe()}. Reload it or merge, then save again."
        else:
            message = (
                f"Not saved: {len(changed)} of the insights changed since you loaded them: "
                + "; ".join(c.describe() for c in changed[:5])
                + ("; …" if len(changed) > 5 else "")
                + ". Nothing was changed; apply it again to their current versions."
            )
        super().__init__(message)

    @property
    def insight_id(self) -> int:
        """The (first) insight that changed meanwhile."""
        return self.changed[0].insight_id

    @property
    def current_version(self) -> int:
        """Its version now (what to save against after a reload or merge)."""
        return self.changed[0].current_version
