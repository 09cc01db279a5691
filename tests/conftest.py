"""Shared fixtures: real DuckDB files in temp dirs and real PostgreSQL databases on a throwaway
server, a fast fake embedder and the real model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from insights import KnowledgeBase
from tests.doubles import HashingEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OIVALLUS_JOBS", "0")  # the app's scheduled jobs only where a test asks

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the whole run (Debian's, installed by `make test`)."""
    from tests.postgres_server import LocalPostgres, binaries

    if binaries() is None:
        pytest.skip("PostgreSQL is not installed here (`make test` installs Debian's postgresql)")
    server = LocalPostgres()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server, request) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[-50:].lower()
    return postgres_server.create(name)


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path: Path) -> str:
    """Where a test's knowledge base lives: a DuckDB file, then a PostgreSQL database (every
    repository is exercised through the services in both dialects)."""
    if request.param == "duckdb":
        return str(tmp_path / "test.duckdb")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def kb(store: str):
    """A knowledge base on a fresh store with the tiny deterministic embedder."""
    base = KnowledgeBase.open(store, embedder=HashingEmbedder())
    yield base
    base.close()


@pytest.fixture(scope="session")
def real_embedder():
    """The product's real embedder (MiniLM + multilingual e5 + our adapter; loaded once)."""
    from language.bilingual import default_embedder

    return default_embedder()


@pytest.fixture(scope="session")
def demo_kb(tmp_path_factory, real_embedder):
    """The demo dataset loaded with the real model (read-only use, shared by tests)."""
    from ingest.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    base = KnowledgeBase.open(path, embedder=real_embedder)
    load_demo(base)
    base.wait_for_links()
    yield base
    base.close()


def needs_evaldata():
    return pytest.mark.skipif(
        not EVALDATA.exists(), reason=f"{EVALDATA} is absent (it ships beside the repo, not in it)"
    )


def pytest_sessionfinish(session, exitstatus):
    """Close and drop the knowledge bases the app cached, so DuckDB objects do not outlive
    the interpreter (nanobind then prints pages of leak warnings at exit)."""
    import gc

    import streamlit as st

    from insights.runtime.startup import close_all

    close_all()
    st.cache_resource.clear()
    gc.collect()


@pytest.fixture
def app_db(tmp_path, monkeypatch, real_embedder):
    """A database with two related insights and a study, used by the app under test."""
    path = tmp_path / "app.duckdb"
    kb = KnowledgeBase.open(path, embedder=real_embedder)
    study = kb.catalog.create_study(
        {"title": "Checkout usability test", "method": "usability test"}
    )
    kb.add_many(
        [
            {
                "text": "Six of nine participants could not find the discount code field at "
                "checkout.",
                "study_id": study.id,
                "segment": "Consumer",
                "kind": "finding",
                "source": "usability test",
            },
            {
                "text": "Torstain toimitukset myöhästyvät aina, muuten ruoka on erinomaista.",
                "segment": "Consumer",
                "kind": "quote",
                "source": "survey",
            },
        ]
    )
    add_people(kb)
    kb.close()
    monkeypatch.setenv("OIVALLUS_DB", str(path))
    return path


def add_people(kb) -> None:
    """The accounts the page tests sign in as."""
    kb.people.ensure_admin("page test admin password")
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Sales")
    kb.people.create_user("mikko", "Mikko Laine", role="contributor", team="Product")
    kb.people.create_user("vera", "Vera Viewer", role="viewer")
