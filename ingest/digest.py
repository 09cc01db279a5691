"""Write (and optionally e-mail) the weekly digests.

    python -m ingest.digest --out FOLDER [--db PATH] [--send]

One Markdown and one HTML file per person and per team. With --send, each person with an
e-mail address gets theirs by SMTP, configured in .streamlit/secrets.toml:

    [smtp]
    host = "smtp.example.com"
    port = 587
    user = "oivallus@example.com"
    password = "..."
    sender = "oivallus@example.com"
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tomllib
from email.message import EmailMessage
from pathlib import Path

from insights import KnowledgeBase
from insights.digest import build_digest
from vocabulary.settings import default_db_path

SECRETS = Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml"


def secrets_section(name: str, path: Path = SECRETS) -> dict | None:
    """The section `name` of the secrets file, or None."""
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        return tomllib.load(handle).get(name)


def smtp_settings(path: Path = SECRETS) -> dict | None:
    """The [smtp] section of the secrets file, or None."""
    return secrets_section("smtp", path)


def send(settings: dict, to: str, digest) -> None:
    """Send one digest (HTML with a plain-text alternative)."""
    message = EmailMessage()
    message["Subject"] = digest.subject or digest.markdown.splitlines()[0].lstrip("# ")
    message["From"], message["To"] = settings.get("sender", settings.get("user")), to
    message.set_content(digest.markdown)
    message.add_alternative(digest.html, subtype="html")
    message["Content-Language"] = digest.language  # (set_content clears the Content- headers)
    with smtplib.SMTP(settings["host"], int(settings.get("port", 587)), timeout=30) as server:
        server.starttls()
        if settings.get("user"):
            server.login(settings["user"], settings["password"])
        server.send_message(message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.digest", description=__doc__)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--db", default=default_db_path())
    parser.add_argument("--send", action="store_true")
    args = parser.parse_args(argv)
    settings = smtp_settings() if args.send else None
    if args.send and not settings:
        print(f"--send needs an [smtp] section in {SECRETS}", file=sys.stderr)
        return 1
    kb = KnowledgeBase.open(args.db)
    try:
        count = write_digests(kb, args.out, settings)
        print(f"{count} digests written to {args.out}")
    finally:
        kb.close()
    return 0


def write_digests(kb, out: Path, settings: dict | None = None) -> int:
    """The week's digest of every enabled person and every team as Markdown and HTML files in
    `out`; with SMTP `settings`, each person with an e-mail address and news also gets theirs.
    Returns how many digests were written."""
    out.mkdir(parents=True, exist_ok=True)
    users = [u for u in kb.people.users() if u.disabled_at is None]
    digests = [(u.email, u.username, build_digest(kb, username=u.username)) for u in users]
    teams = sorted({u.team for u in users if u.team})
    digests += [(None, f"team-{t}", build_digest(kb, team=t)) for t in teams]
    for email, name, digest in digests:
        (out / f"{name}.md").write_text(digest.markdown, encoding="utf-8")
        (out / f"{name}.html").write_text(digest.html, encoding="utf-8")
        if settings and email and digest.items:
            send(settings, email, digest)
    return len(digests)


if __name__ == "__main__":
    from ingest.cli import run

    raise SystemExit(run(main))
