"""Shared fixtures: real DuckDB files in temp dirs, a fast fake embedder and the real model."""

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


@pytest.fixture
def kb(db_path: Path):
    """A knowledge base on a fresh file with the tiny deterministic embedder."""
    base = KnowledgeBase.open(db_path, embedder=HashingEmbedder())
    yield base
    base.close()


@pytest.fixture(scope="session")
def real_embedder():
    """The product's real embedder (MiniLM + multilingual e5 + our adapter; loaded once)."""
    from insights.embeddings import default_embedder

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

    from insights.startup import close_all

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
