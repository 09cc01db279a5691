"""The limits every reader shares: columns in a header, bytes in a file."""

from pathlib import Path

from vocabulary import settings
from vocabulary.errors import ReadError

MAX_COLUMNS = 1_000  # a header past this is a broken or hostile file, not a table


def too_many_columns(count: int) -> ReadError:
    """The one message for a header wider than `MAX_COLUMNS`, whatever the file kind."""
    return ReadError(
        "the header has {count} columns (at most {most}); check the delimiter, or export only "
        "the columns to import",
        count=count,
        most=MAX_COLUMNS,
    )


def _limit_bytes() -> int:
    return int(settings.current().import_limit_mb * 1024 * 1024)


def check_size(path: Path, name: str) -> int:
    """A file's size in bytes; raises `ReadError` when it is over the import limit."""
    size = path.stat().st_size
    if size > _limit_bytes():
        raise ReadError(
            "{name} is {size} MB, over the import limit of {limit} MB (set "
            "OIVALLUS_IMPORT_LIMIT_MB to change it)",
            name=name,
            size=round(size / 2**20),
            limit=round(_limit_bytes() / 2**20),
        )
    return size
