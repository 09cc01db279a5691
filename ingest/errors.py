"""The one error readers raise, and the limits every table reader shares."""

MAX_COLUMNS = 1_000  # a header past this is a broken or hostile file, not a table


class ReadError(ValueError):
    """The file cannot be read as the kind of file it claims to be."""


class PartlyImported(ReadError):
    """The file broke off midway: the rows before were stored (undoable), the rest not."""


def too_many_columns(count: int) -> ReadError:
    """The one message for a header wider than `MAX_COLUMNS`, whatever the file kind."""
    return ReadError(
        f"the header has {count:,} columns (at most {MAX_COLUMNS:,}); "
        "check the delimiter, or export only the columns to import"
    )
