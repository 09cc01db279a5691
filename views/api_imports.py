"""Imports through the HTTP API (views/api.py): upload a file, follow its progress, undo it.

The upload is kept in the knowledge base's private uploads folder (ingest/uploads.py) and
imported in a thread of its own, acting as the token's person (`kb.imports.import_file`: the
same role check and audit entry as the Import page); `GET /import-jobs/{id}` follows it and
`POST /imports/{id}/undo` takes it back. Jobs are kept in this process for a day.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from ingest import uploads
from readers.tables import SUPPORTED
from views.api_http import Refused
from views.api_models import ImportJob
from vocabulary.errors import NotFound, OivallusError

KEEP_SECONDS = 24 * 3600
log = logging.getLogger("oivallus.api")


class ImportJobs:
    """The imports this process runs for the API, by job id; each person sees their own."""

    def __init__(self, folder: Callable[[], Path]) -> None:
        self.folder = folder
        self._jobs: dict[int, tuple[str, float, ImportJob]] = {}
        self._threads: list[threading.Thread] = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, kb, name: str, data: bytes) -> ImportJob:
        """Keep the upload and start importing it as `kb`'s person; the job as it starts."""
        name = Path(name).name
        if Path(name).suffix.lower().lstrip(".") not in SUPPORTED:
            raise Refused(
                422,
                "Invalid query",
                "Name the file with a supported suffix.",
                [("name", f"use one of {', '.join(sorted(SUPPORTED))}")],
            )
        if not data:
            raise Refused(422, "Invalid body", "The file is empty.", [("body", "send the file")])
        if not kb.allows(kb.imports.import_file, name):
            raise Refused(
                403,
                "Forbidden",
                f"{kb.actor.display_name} may not import files: it needs the researcher role.",
            )
        folder = self.folder()
        path = uploads.keep(folder, uuid.uuid4().hex, name, data)
        job = ImportJob(id=next(self._numbers), file=name)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = (kb.actor.username, time.time(), job)
        thread = threading.Thread(
            target=self._run, args=(kb, job, path, folder), name=f"api-import-{job.id}", daemon=True
        )
        self._threads.append(thread)
        thread.start()
        return job.model_copy()

    def _run(self, kb, job: ImportJob, path: Path, folder: Path) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            report = kb.imports.import_file(path, progress=progress, name=job.file)
        except OivallusError as error:
            job.error, job.status = str(error), "failed"
            job.import_id = error.message.values.get("import_id")
        except Exception:  # noqa: BLE001 - logged; the job says it failed
            log.exception("API import %s failed", job.id)
            job.error, job.status = "The import failed on the server; it is logged.", "failed"
        else:
            job.import_id, job.inserted = report.import_id, report.inserted
            job.duplicates, job.rejected = report.duplicates, len(report.rejected)
            job.done = max(job.done, report.rows)
            job.status = report.status if report.status != "running" else "finished"
        finally:
            uploads.discard(path, folder)

    def get(self, job_id: int, username: str) -> ImportJob:
        """One of `username`'s jobs; raises `NotFound` for another's."""
        with self._lock:
            found = self._jobs.get(job_id)
        if found is None or found[0] != username:
            raise NotFound("no import job {job_id} of yours", job_id=job_id)
        return found[2].model_copy()

    def wait(self, timeout: float = 60) -> None:
        """Wait for every running import (tests; a server stopping)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _forget_old(self) -> None:
        limit = time.time() - KEEP_SECONDS
        for key in [k for k, (_, at, job) in self._jobs.items() if at < limit]:
            del self._jobs[key]
        self._threads = [t for t in self._threads if t.is_alive()]
