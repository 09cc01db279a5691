"""A throwaway PostgreSQL server for tests and benchmarks: Debian's own binaries (installed by
`make test`), a data folder in a temporary directory, a port of its own, stopped at the end."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest Debian PostgreSQL), None when absent."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    """One server in a temporary folder; `url(name)` for a database on it."""

    def __init__(self, folder: Path | None = None) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed: `make test` installs it (Debian)")
        self.folder = Path(folder or tempfile.mkdtemp(prefix="oivallus-pg-"))
        self.port = _free_port()
        self._bin = bin_dir
        # PostgreSQL refuses to run as root: as root, the server runs as Debian's postgres user.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        data = self.folder / "data"
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "oivallus", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w")
        self._data = data

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as, str(self._bin / tool), *args]
        if tool == "pg_ctl":
            command.append("start")
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        """A connection URL for one database on this server."""
        return f"postgresql://oivallus@127.0.0.1:{self.port}/{database}"

    def create(self, database: str, template: str | None = None) -> str:
        """Create an empty database (from a template when given); returns its URL."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{database}"{copy}')
        return self.url(database)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        subprocess.run(
            [
                *self._as,
                str(self._bin / "pg_ctl"),
                "-D",
                str(self._data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
