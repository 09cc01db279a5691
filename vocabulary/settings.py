"""Every setting Oivallus takes from its environment, named, typed and defaulted in this one module.

`current()` reads them all at once into a frozen `Settings`; no other module reads `OIVALLUS_*`
variables. A value is read when it is asked for, so a server (or a test) that sets the
environment before it opens a knowledge base gets what it set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = ROOT / "data" / "oivallus.duckdb"

# name -> (what it sets, its default); README's "Settings" table lists the same
VARIABLES = {
    "OIVALLUS_DB": ("the knowledge base: a DuckDB file or a postgresql:// URL", str(DEFAULT_DB)),
    "OIVALLUS_DATA_DIR": ("digests, backups and uploads of a PostgreSQL knowledge base", "data"),
    "OIVALLUS_DUCKDB_MEMORY": ("DuckDB's memory limit", "128MB"),
    "OIVALLUS_IMPORT_DIR": ("the server's import folder", str(Path("data") / "imports")),
    "OIVALLUS_JOBS": ("0 turns the app's background jobs off", "1"),
    "OIVALLUS_JOBS_POLL": ("seconds between looks at the import folder", "20"),
    "OIVALLUS_MODEL": ("a sentence-transformers model instead of the bundled embedder", ""),
    "OIVALLUS_COMPACT_ROWS": ("rows past which the index keeps int8 vectors and codes", "50000"),
    "OIVALLUS_BLAS_THREADS": ("BLAS threads per process (0: the library's own)", "1"),
    "OIVALLUS_CUSTOMER_KEY": ("the secret customer ids are hashed with", ""),
    "OIVALLUS_ADMIN_PASSWORD": ("the first admin's password", ""),
    "OIVALLUS_BACKUP_PASSPHRASE": ("the passphrase of command-line backups", ""),
    "OIVALLUS_RESTORE_LIMIT_MB": ("the most a sealed backup may unpack to", "20000"),
    "OIVALLUS_IMPORT_LIMIT_MB": ("the largest file an import takes", "200"),
    "OIVALLUS_SCRUB_NAMES": ("a text file of names to scrub from imports", ""),
    "OIVALLUS_LANGUAGE": ("the interface language when neither person nor browser says", "en"),
    "OIVALLUS_BASE_URL": ("the app's address, for links in webhooks and chat messages", ""),
}


@dataclass(frozen=True)
class Settings:
    """The environment's settings, read at one moment (see `current`)."""

    db: str
    data_dir: Path
    duckdb_memory: str
    import_dir: Path
    jobs: bool
    jobs_poll_seconds: float
    model: str | None
    compact_rows: int
    blas_threads: int
    customer_key: str | None
    admin_password: str | None
    backup_passphrase: str | None
    restore_limit_mb: float
    import_limit_mb: float
    scrub_names: Path | None
    language: str
    base_url: str

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from an environment (unset or empty variables take their defaults)."""

        def value(name: str) -> str:
            return environ.get(name) or VARIABLES[name][1]

        def optional(name: str) -> str | None:
            return environ.get(name) or None

        names = optional("OIVALLUS_SCRUB_NAMES")
        return cls(
            db=value("OIVALLUS_DB"),
            data_dir=Path(value("OIVALLUS_DATA_DIR")),
            duckdb_memory=value("OIVALLUS_DUCKDB_MEMORY"),
            import_dir=Path(value("OIVALLUS_IMPORT_DIR")),
            jobs=value("OIVALLUS_JOBS") != "0",
            jobs_poll_seconds=float(value("OIVALLUS_JOBS_POLL")),
            model=optional("OIVALLUS_MODEL"),
            compact_rows=int(value("OIVALLUS_COMPACT_ROWS")),
            blas_threads=int(value("OIVALLUS_BLAS_THREADS")),
            customer_key=optional("OIVALLUS_CUSTOMER_KEY"),
            admin_password=optional("OIVALLUS_ADMIN_PASSWORD"),
            backup_passphrase=optional("OIVALLUS_BACKUP_PASSPHRASE"),
            restore_limit_mb=float(value("OIVALLUS_RESTORE_LIMIT_MB")),
            import_limit_mb=float(value("OIVALLUS_IMPORT_LIMIT_MB")),
            scrub_names=Path(names) if names else None,
            language=value("OIVALLUS_LANGUAGE"),
            base_url=value("OIVALLUS_BASE_URL"),
        )


def current() -> Settings:
    """The settings of this process's environment as it is now."""
    return Settings.read(os.environ)


def default_db_path() -> str:
    """The knowledge base of the app and the jobs: $OIVALLUS_DB, else data/oivallus.duckdb."""
    return current().db


def is_postgres(target: str | Path) -> bool:
    """Whether a knowledge base target names a PostgreSQL server rather than a DuckDB file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def data_dir_for(target: str | Path) -> Path:
    """Where digests, backups and uploads of a knowledge base go: beside its DuckDB file, or for
    a PostgreSQL server $OIVALLUS_DATA_DIR (default data/)."""
    if is_postgres(target):
        return current().data_dir
    return Path(target).parent
