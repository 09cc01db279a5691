"""Make sure the database has its admin account (used by `make run` before the app starts).

    python -m ingest.accounts [--db PATH] [--reset-admin]

On the first run it creates "admin" with $OIVALLUS_ADMIN_PASSWORD, or prints a one-time
password. --reset-admin gives the admin a new one-time password (when it is lost).
"""

from __future__ import annotations

import argparse

from insights.people import ensure_admin_account_of
from vocabulary.settings import default_db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.accounts", description=__doc__)
    parser.add_argument("--db", default=default_db_path())
    parser.add_argument("--reset-admin", action="store_true")
    args = parser.parse_args(argv)
    generated = ensure_admin_account_of(args.db, reset=args.reset_admin)
    if generated:
        print(
            f"Sign in as 'admin' with the one-time password: {generated}\n"
            "Change it on the Admin page."
        )
    return 0


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
