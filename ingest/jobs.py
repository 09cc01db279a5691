"""Work the app process does by itself beside serving pages, because only one process can open
the DuckDB file: it imports what is dropped into the import folder, writes the weekly digests
(and e-mails them when SMTP is configured) and a nightly backup.

    folder/                  $OIVALLUS_IMPORT_DIR (default data/imports)
      survey.csv             imported within a poll (default 20 s) once it stopped changing
      imported/survey.csv    ... then moved here (its report is in Import history)
      failed/bad.csv         a file that could not be imported, with bad.csv.error.txt
    data/digests/2026-12-07/ every Monday from 07:00: one .md and .html per person and team
    data/backups/nightly-*/  every night from 02:00, the last 7 kept
    retention rules          every night from 03:00 (insights/retention.py; Admin > Privacy)
    the mailbox              every few minutes when secrets.toml has [mailbox] (ingest/mailbox.py)

A job that finds its time passed while the app was stopped runs at the next poll; on the very
first start the clocks start, so a new installation does not back up or send at once.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from ingest import uploads
from ingest.dropfolder import DropFolder, UnsafeFolder
from readers.tables import waiting_files
from vocabulary import settings
from vocabulary.errors import OivallusError, ReadError
from vocabulary.settings import data_dir_for

log = logging.getLogger("oivallus.jobs")
POLL_SECONDS = settings.current().jobs_poll_seconds
SETTLE_SECONDS = 5  # a file changed more recently may still be being copied
KEEP_BACKUPS = 7


def import_dir() -> Path:
    """The server's import folder: $OIVALLUS_IMPORT_DIR, else data/imports."""
    return settings.current().import_dir


def enabled() -> bool:
    """Whether the app runs the jobs ($OIVALLUS_JOBS=0 turns them off, as the tests do)."""
    return settings.current().jobs


def next_daily(after: datetime, hour: int) -> datetime:
    """The first `hour`:00 strictly after `after`."""
    slot = after.replace(hour=hour, minute=0, second=0, microsecond=0)
    return slot if slot > after else slot + timedelta(days=1)


def next_weekly(after: datetime, weekday: int, hour: int) -> datetime:
    """The first `weekday` (Monday 0) at `hour`:00 strictly after `after`."""
    slot = after.replace(hour=hour, minute=0, second=0, microsecond=0)
    slot += timedelta(days=(weekday - slot.weekday()) % 7)
    return slot if slot > after else slot + timedelta(days=7)


SCHEDULES: dict[str, Callable[[datetime], datetime]] = {
    "digest": lambda last: next_weekly(last, weekday=0, hour=7),
    "backup": lambda last: next_daily(last, hour=2),
    "retention": lambda last: next_daily(last, hour=3),
}


JOBS_RUNNER = 2  # the kind of lock held by the process that runs the jobs


class Jobs:
    """The app's scheduled work on one open KnowledgeBase (acting as the system)."""

    def __init__(
        self,
        kb,
        import_dir: Path,
        data_dir: Path,
        smtp: dict | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.kb, self.import_dir, self.data_dir, self.smtp = (
            kb,
            Path(import_dir),
            Path(data_dir),
            smtp,
        )
        self._stop = stop or threading.Event()  # once set, `run` ends
        self._paused: str | None = None  # why the import folder is paused, once logged

    def start(self, poll: float = POLL_SECONDS) -> threading.Thread:
        """Run the jobs every `poll` seconds in a daemon thread until `stop()`."""
        thread = threading.Thread(target=self.run, args=(poll,), name="oivallus-jobs", daemon=True)
        thread.start()
        return thread

    def run(self, poll: float = POLL_SECONDS) -> None:
        """Run the jobs every `poll` seconds in this thread until `stop()`."""
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # noqa: BLE001 - a failed job must not end the others
                log.exception("a scheduled job failed")
            self._stop.wait(poll)

    def stop(self) -> None:
        """Stop after the job running now."""
        self._stop.set()

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Run what is due now: waiting imports always, digests and backups at their times.
        Returns what ran ("import survey.csv", "digest", "backup")."""
        now = now or datetime.now()
        # Several app servers on one PostgreSQL database: one of them (the first to take the
        # lock, until it ends) runs the jobs; on a DuckDB file the one process always does.
        if not self.kb.db.try_hold(JOBS_RUNNER, 0):
            return []
        ran = [f"import {name}" for name in self.import_waiting(now)]
        uploads.prune(self.data_dir / "uploads")
        for job, schedule in SCHEDULES.items():
            key = f"job:{job}:last"
            last = self.kb.repos.people.setting(key)
            if last is None:  # the first start: the clock starts now
                self.kb.repos.people.set_setting(key, now.isoformat())
                continue
            if now >= schedule(datetime.fromisoformat(last)):
                getattr(self, f"_{job}")(now)
                self.kb.repos.people.set_setting(key, now.isoformat())
                ran.append(job)
        return ran

    def import_waiting(self, now: datetime | None = None) -> list[str]:
        """Import the files waiting in the import folder (those unchanged for a few seconds)
        and move each aside; returns their names. Nothing in the folder is trusted (see
        ingest/dropfolder.py): while imported/ or failed/ is a link, the folder is paused."""
        now_ts = (now or datetime.now()).timestamp()
        if not self.import_dir.is_dir():
            return []
        try:
            with DropFolder(self.import_dir) as folder:
                self._paused = None
                return self._import_from(folder, now_ts)
        except UnsafeFolder as error:
            if str(error) != self._paused:  # once, not at every poll
                log.error("the import folder is paused: %s", error)
            self._paused = str(error)
            return []

    def _import_from(self, folder: DropFolder, now_ts: float) -> list[str]:
        names = folder.claimed()  # left by an interrupted run: tried again
        for name in waiting_files(self.import_dir):
            try:
                if now_ts - (self.import_dir / name).lstat().st_mtime >= SETTLE_SECONDS:
                    names.append(folder.claim(name))  # else still being written
            except OSError:
                continue  # taken away meanwhile
        for name in names:
            try:
                folder.check_plain(name)
                report = self.kb.imports.import_file(
                    folder.path(name), by="import folder", name=name
                )
                log.info("imported %s: %s insights", name, report.inserted)
                kept = folder.keep(name)  # where the raw file is, for retention
                self.kb.repos.imports.set_path(report.import_id, str(kept))
            except (ReadError, OSError, ValueError) as error:
                folder.fail(name, f"{error}\n")
                log.warning("could not import %s: %s", name, error)
        if names:
            self.kb.wait_for_links()
            self.kb.themes.recompute_themes()
        return names

    def _digest(self, now: datetime) -> None:
        from ingest.digest import write_digests

        write_digests(self.kb, self.data_dir / "digests" / now.date().isoformat(), self.smtp)

    def _backup(self, now: datetime) -> None:
        from insights.files.backup import export_backup

        folder = self.data_dir / "backups"
        export_backup(self.kb, folder / f"nightly-{now:%Y%m%d-%H%M%S}")
        nightly = sorted(p for p in folder.glob("nightly-*") if p.is_dir())
        for old in nightly[:-KEEP_BACKUPS]:
            shutil.rmtree(old, ignore_errors=True)

    def _retention(self, now: datetime) -> None:
        report = self.kb.retention.apply(now)
        log.info("retention: %s raw files and %s quotes dropped", report.imports, report.evidence)


class Beside:
    """The jobs running beside the app on the knowledge base an `Opening` loads (see
    `start_beside`)."""

    def __init__(self, opening, path: str | Path) -> None:
        self.opening, self.path = opening, path
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="oivallus-jobs", daemon=True)

    def _run(self) -> None:
        from ingest.digest import smtp_settings

        try:
            base = self.opening.knowledge_base()
        except Exception:  # noqa: BLE001 - the pages show why the knowledge base did not load
            return
        data = data_dir_for(self.path)
        threading.Thread(
            target=send_webhooks, args=(base, self._stop), name="oivallus-webhooks", daemon=True
        ).start()
        threading.Thread(
            target=watch_mailbox, args=(base, self._stop), name="oivallus-mailbox", daemon=True
        ).start()
        Jobs(base, import_dir(), data, smtp_settings(), self._stop).run()

    def stop(self, timeout: float = 60) -> None:
        """Stop after the job running now (waiting for it at most `timeout` seconds)."""
        self._stop.set()
        self.thread.join(timeout)


WEBHOOK_POLL_SECONDS = 2.0


def send_webhooks(kb, stop: threading.Event, poll: float = WEBHOOK_POLL_SECONDS) -> None:
    """Send the webhooks due (insights/webhooks.py) every `poll` seconds until `stop` is set: a
    thread of its own, so a slow receiver delays neither the jobs nor any write. People's new
    "For you" items are queued for their own chats every `QUEUE_EVERY` seconds
    (insights/personal_chat.py)."""
    from insights.personal_chat import QUEUE_EVERY

    looked = 0.0
    while not stop.is_set():
        try:
            held = kb.db.try_hold(JOBS_RUNNER, 0)
            if held and time.monotonic() - looked >= QUEUE_EVERY:
                looked = time.monotonic()
                kb.chat.queue_due()
            if held and kb.webhooks.deliver_due():
                continue  # more may be waiting
        except Exception:  # noqa: BLE001 - one bad delivery must not end the sending
            log.exception("sending webhooks failed")
        stop.wait(poll)


def watch_mailbox(kb, stop: threading.Event, settings=None) -> None:
    """Poll the mailbox of .streamlit/secrets.toml's [mailbox] (ingest/mailbox.py) every
    `poll_minutes` until `stop` is set, in a thread of its own (a slow mail server delays
    nothing else); without the section, nothing. A section that cannot be used is logged once
    and kept as the mailbox's last error for Admin."""
    from ingest import mailbox

    try:
        settings = settings or mailbox.mailbox_settings()
    except (OivallusError, ValueError) as error:
        log.error("the [mailbox] settings cannot be used: %s", error)
        return
    if settings is None:
        return
    while not stop.is_set():
        try:
            if kb.db.try_hold(JOBS_RUNNER, 0):
                report = mailbox.poll_and_record(kb, settings)
                if report.added or report.refused:
                    log.info("mailbox: %s added, %s refused", report.added, report.refused)
        except Exception:  # noqa: BLE001 - one bad poll must not end the polling
            log.exception("polling the mailbox failed")
        stop.wait(settings.poll_minutes * 60)


def start_beside(opening, path: str | Path) -> Beside | None:
    """Run the jobs in this process for the knowledge base `opening` loads, once it has loaded,
    unless $OIVALLUS_JOBS is 0 (then None). The server starts them once, as it starts
    (views/serve.py's lifespan), and stops them before it closes the knowledge base; nothing
    else starts them (the pages do not, so `streamlit run app.py` serves without jobs)."""
    if not enabled():
        return None
    beside = Beside(opening, path)
    beside.thread.start()
    return beside
