"""Domain errors: what went wrong, in words a person can act on."""


class OivallusError(Exception):
    """Base of every error the domain raises on purpose."""


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
