"""The layers of docs/ARCHITECTURE.md, read from the source by import-linter (the contracts
in pyproject.toml): domain <- ingest <- index <- search <- answers <- api <- (webui, the
CLI); only indexer/ imports Whoosh; webui/ and indexer/__main__.py import only indexer.api.
A copy of the code with one arrow running back up must break the contracts. Plus the one
query-error path: a query the parser cannot take is the same clear message on the CLI
(exit 2) and over HTTP (400)."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
BROKEN_QUERIES = ("oversight ANDMAYBE ANDNOT AND", "NOT AND ", "a ANDMAYBE ANDNOT b", "((", ")")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """import-linter's verdict on the packages under `tree` (its pyproject.toml contracts)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True)


def copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("indexer", "webui"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns(
            "__pycache__", "data", "static", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


# an import added to a module -> the contract it breaks
ARROWS = {
    "indexer/index/schema.py: from indexer.search import links": "below it",
    "indexer/domain/taxonomy.py: from indexer.ingest import clean": "below it",
    "indexer/search/links.py: from indexer.answers import feeds": "below it",
    "webui/charts.py: from indexer.search import request": "front door, indexer.api",
    "webui/charts.py: import whoosh": "Only the indexer imports Whoosh",
    "indexer/models.py: from indexer.domain import taxonomy": "under every layer",
}


@pytest.mark.parametrize("change", ARROWS)
def test_an_arrow_running_back_up_breaks_a_contract(tmp_path, change):
    module, arrow = change.split(": ")
    tree = copy_of_the_code(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{arrow}  # noqa\n", encoding="utf-8")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert f"{ARROWS[change]} BROKEN" in result.stdout


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
