"""Shared fixtures: real DuckDB files in temp dirs and real PostgreSQL databases on a throwaway
server, a fast fake embedder and the real model.

Tiers (markers registered in pyproject.toml; `make check` runs the tests marked none of them):
- `slow`: the test loads the real model. Set here, from the fixtures a test uses (any that
  needs `real_embedder`), or by hand where the model loads in a process the test starts; a
  test without the mark that loads the model in this process fails, naming the mark.
- `postgres`: the test needs the throwaway PostgreSQL server (`postgres_server`, the
  "postgresql" case of `store`).
- `browser`: a real browser (tests/test_browser.py marks its module).
"""

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


REAL_MODEL_FIXTURES = {"real_embedder"}  # and every fixture that needs it


def pytest_collection_modifyitems(config, items):
    """Mark the tiers: `slow` for tests that load the real model through a fixture, `postgres`
    for tests on the PostgreSQL server."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & REAL_MODEL_FIXTURES:
            item.add_marker(pytest.mark.slow)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgres_server" in used or "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def _real_model_only_when_slow(request, monkeypatch):
    """Outside the `slow` tier the real model never loads in this process (the fast tier
    stays fast): loading it fails, saying which mark the test lacks."""
    if request.node.get_closest_marker("slow"):
        return
    from language import bilingual, embeddings

    def refuse(*args, **kwargs):
        raise AssertionError(
            f"{request.node.nodeid} loads the real model: use the fake embedder "
            "(tests/doubles.py) or mark it slow"
        )

    monkeypatch.setattr(bilingual.BilingualEmbedder, "__init__", refuse)
    monkeypatch.setattr(embeddings.SentenceTransformerEmbedder, "__init__", refuse)


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
    """Close and drop the knowledge bases the app kept, so DuckDB objects do not outlive
    the interpreter (nanobind then prints pages of leak warnings at exit)."""
    import gc
    import sys

    if "views.common" in sys.modules:
        sys.modules["views.common"].OPENINGS.close_all()
    if "streamlit" in sys.modules:
        sys.modules["streamlit"].cache_resource.clear()
    gc.collect()


def serve_to_app(path: Path, embedder, monkeypatch):
    """The knowledge base at `path` as the app under test (AppTest runs app.py in this process)
    finds it: $OIVALLUS_DB names it and the app's registry holds it opened with `embedder`
    (the app would load the real model itself); closed after the test."""
    from views.common import OPENINGS

    monkeypatch.setenv("OIVALLUS_DB", str(path))
    OPENINGS.open(path, embedder)
    yield path
    OPENINGS.close(path)


def app_file(path: Path, embedder) -> Path:
    """A database with two related insights, a study and the people of the page tests."""
    kb = KnowledgeBase.open(path, embedder=embedder)
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
    return path


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """The app under test on `app_file`, with the fake embedder (pages and flows)."""
    path = app_file(tmp_path / "app.duckdb", HashingEmbedder())
    yield from serve_to_app(path, HashingEmbedder(), monkeypatch)


@pytest.fixture
def real_app_db(tmp_path, monkeypatch, real_embedder):
    """The app under test on `app_file`, with the real model (what the model finds)."""
    path = app_file(tmp_path / "app.duckdb", real_embedder)
    yield from serve_to_app(path, real_embedder, monkeypatch)


def add_people(kb) -> None:
    """The accounts the page tests sign in as."""
    kb.people.ensure_admin("page test admin password")
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Sales")
    kb.people.create_user("mikko", "Mikko Laine", role="contributor", team="Product")
    kb.people.create_user("vera", "Vera Viewer", role="viewer")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (the browser tests' one browser per module)."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
