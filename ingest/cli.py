"""What every command-line job shares: a refusal is one clear line, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from vocabulary.errors import OivallusError


def run(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Run a command's `main`; a domain error (the database held by the app, a full disk, bad
    input) prints one line on stderr and exits with 2."""
    try:
        return main(argv)
    except OivallusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped; an import run again resumes where it stopped", file=sys.stderr)
        return 130
