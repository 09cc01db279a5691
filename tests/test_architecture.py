"""The floor plan holds: arrows between the rooms go one way, no module imports itself round a
circle (imports inside functions and for type checking count too), streamlit stays in the
pages, settings are read in one place, and every module stays small."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("vocabulary", "language", "retrieval", "readers", "storage", "insights", "ingest")
PAGES = ("views",)

# room -> the rooms it may import (docs/architecture.md draws the same)
MAY_IMPORT = {
    "vocabulary": set(),
    "language": {"vocabulary"},
    "retrieval": {"vocabulary", "language"},
    "readers": {"vocabulary", "language"},
    "storage": {"vocabulary"},
    "insights": {"vocabulary", "language", "retrieval", "readers", "storage"},
    "ingest": {"vocabulary", "language", "readers", "insights"},
    "views": {"vocabulary", "language", "readers", "insights", "ingest"},
    "app": {"vocabulary", "language", "insights", "views"},
}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES + PAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imported_names(tree: ast.AST) -> set[str]:
    """Every module name an import statement anywhere in the file names (with `from X import
    Y`, both X and X.Y: Y may be a module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _graph() -> tuple[dict[str, Path], dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = _imported_names(ast.parse(path.read_text(encoding="utf-8")))
        edges[name] = {other for other in imported if other in modules and other != name}
        external[name] = {other.split(".")[0] for other in imported}
    return modules, edges, external


def _room(module: str) -> str:
    return module.split(".")[0]


def test_arrows_between_rooms_go_one_way():
    _, edges, _ = _graph()
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in edges.items()
        for target in targets
        if _room(target) != _room(source) and _room(target) not in MAY_IMPORT[_room(source)]
    )
    assert not wrong, wrong


def test_no_module_imports_itself_round_a_circle():
    _, edges, _ = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    assert not circles, circles


def test_the_domain_imports_its_public_api_from_the_rooms_not_from_itself():
    """`insights/__init__` loads the whole facade: a module under it that imports the bare
    package (`from insights import X`) would run half-initialised."""
    _, edges, _ = _graph()
    inside = sorted(
        m for m, targets in edges.items() if m.startswith("insights.") and "insights" in targets
    )
    assert not inside, inside


def test_streamlit_only_in_the_pages():
    _, _, external = _graph()
    outside = sorted(
        m
        for m, names in external.items()
        if "streamlit" in names and _room(m) not in ("views", "app")
    )
    assert not outside, outside


def test_settings_are_read_in_one_module():
    readers = []
    for name, path in _modules().items():
        if name == "vocabulary.settings":
            continue
        text = path.read_text(encoding="utf-8")
        for line_number, line in enumerate(text.splitlines(), 1):
            if ("os.environ" in line or "os.getenv" in line) and "HF_HUB_OFFLINE" not in line:
                readers.append(f"{name}:{line_number}")
    assert not readers, readers


def test_every_module_stays_small():
    long = sorted(
        f"{name} ({count} lines)"
        for name, path in _modules().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    )
    assert not long, long
