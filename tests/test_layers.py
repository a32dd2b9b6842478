"""The layering rules of DESIGN.md, read from the source: only indexer/ imports Whoosh,
webui/ never does, and indexer/ never imports webui/. Plus the one query-error path: a
query the parser cannot take is the same clear message on the CLI (exit 2) and over HTTP
(400)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest_webui import app, client  # noqa: F401
from indexer.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
BROKEN_QUERIES = ("oversight ANDMAYBE ANDNOT AND", "NOT AND ", "a ANDMAYBE ANDNOT b", "((", ")")


def imported_packages(folder: str) -> dict[str, set[str]]:
    """module path -> top-level packages it imports."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_webui_imports_no_whoosh():
    modules = imported_packages("webui")
    assert "webui/search.py" in modules and "webui/__init__.py" in modules
    assert [m for m, names in modules.items() if "whoosh" in names] == []


def test_indexer_never_imports_webui():
    modules = imported_packages("indexer")
    assert "indexer/search/service.py" in modules
    assert [m for m, names in modules.items() if "webui" in names] == []


@pytest.mark.parametrize("query", BROKEN_QUERIES)
def test_a_query_the_parser_cannot_take_is_one_clear_error_everywhere(seed_index, client,
                                                                      capsys, query):
    assert main(["search", query, "--index", str(seed_index)]) == 2
    cli = capsys.readouterr()
    assert cli.out == "" and cli.err.startswith("error: the query ")
    assert "Traceback" not in cli.err
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code == 400
    assert api.get_json()["error"] == cli.err.removeprefix("error: ").strip()
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 400
