"""Serve the app with its jobs running from the start: python -m views.serve [streamlit flags]

`streamlit run app.py` runs no code before the first visit, so the jobs beside the app (the
import folder, weekly digests, nightly backups; see ingest/jobs.py) would wait for someone to
open a page. This opens the knowledge base ($OIVALLUS_DB) and starts them first, then hands
over to Streamlit in the same process: the pages find the same knowledge base (and the same
in-memory index) through `insights.startup.opening_for`. `make run` uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest import jobs
from insights.startup import opening_for
from storage.db import default_db_path

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(argv: list[str] | None = None) -> None:
    """Open the knowledge base, start the jobs, then run Streamlit on app.py with `argv`."""
    from streamlit.web import cli

    path = default_db_path()
    jobs.start_beside(opening_for(path), path)
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
