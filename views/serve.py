"""Serve the app: python -m views.serve [--server.port 8501 and other Streamlit flags]

Streamlit serves app.py as an ASGI application (`st.App`, under uvicorn) with these of ours around
it:
- the HTTP API under /api/v1 (views/api.py), on the same opened knowledge base as the pages;
- the gate (views/gate.py) in front of Streamlit's routes: uploads only from signed-in
  sessions, downloads only with a live session cookie, and the HttpOnly session cookie;
- the jobs beside the app (the import folder, weekly digests, nightly backups, see
  ingest/jobs.py), started with the server rather than at the first visit: the server opens
  the knowledge base ($OIVALLUS_DB) in `views.common.OPENINGS`, where the pages find the same
  one (and the same in-memory index); as it stops, it stops the jobs and closes that.
`make run` uses it. `streamlit run app.py` still works for development, without the gate.
"""

from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ingest import jobs
from insights.runtime.startup import default_target
from views.api import api_routes
from views.common import OPENINGS
from views.gate import Gate, session_routes

APP = Path(__file__).resolve().parents[1] / "app.py"


@asynccontextmanager
async def lifespan(_app):
    """Open the knowledge base and start the jobs as the server starts; stop the jobs and
    close the knowledge base as it stops."""
    path = default_target()
    opening = OPENINGS.open(path)
    beside = jobs.start_beside(opening, path)
    opening.jobs_beside = beside is not None  # the Import page says who imports the folder
    try:
        yield None
    finally:
        if beside is not None:
            beside.stop()
        OPENINGS.close_all()


app = st.App(
    str(APP),
    middleware=[Middleware(Gate)],
    routes=[*session_routes(), *api_routes()],
    lifespan=lifespan,
)


def flags(argv: list[str]) -> dict[str, object]:
    """Streamlit's command-line flags (`--server.port 8501`, `--server.headless=true`) as the
    config overrides `App.run` takes; raises SystemExit naming a malformed one. An option that
    takes several values (`--secrets.files PATH`, as `streamlit run` takes it) is a list, one
    value for each time it is given."""
    from streamlit import config as streamlit_config

    config: dict[str, object] = {}
    words = iter(argv)
    for word in words:
        if not word.startswith("--"):
            raise SystemExit(f"not a Streamlit flag: {word} (use --section.option VALUE)")
        name, _, value = word[2:].partition("=")
        value = value or next(words, "")
        option = streamlit_config._config_options_template.get(name)
        if option is not None and option.multiple:
            listed = config.setdefault(name, [])
            assert isinstance(listed, list)
            listed.append(value)
            continue
        lowered = value.lower()
        config[name] = (
            lowered == "true"
            if lowered in ("true", "false")
            else int(value)
            if value.isdigit()
            else value
        )
    return config


def main(argv: list[str] | None = None) -> None:
    """Serve app.py with the gate and the jobs until stopped. Files the server writes (the
    database's log, uploads, backups, digests) are for its own user only."""
    os.umask(0o077)
    app.run(config=flags(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
