"""Every path the docs name exists: README.md, docs/ (ARCHITECTURE.md, the decision
records) and the docstrings of every module, class and function. A path with a folder is
looked for from the repository's root, from indexer/ (records say `search/answer.py`) and
from the naming file's folder; a bare module or document name (`answer.py`, `README.md`)
must be some file of the repository (bare data names such as `reports.json` are the files
of an index directory). Paths of other trees are named with their prefix (whoosh/..., an
index directory's IDX/...) and are not looked for."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATH = re.compile(r"(?<![\w/.:$-])((?:\.\./)?(?:[\w.-]+/)*[\w-]+\."
                  r"(?:py|md|toml|csv|tsv|json|sh|html|js|css))(?![\w/])")
ELSEWHERE = ("whoosh/", "IDX/", "DIR/", "qrels/", "columns/", "../shared/")  # other trees, not this repo


def tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return [ROOT / name for name in names if (ROOT / name).exists()]


def named_in(path: Path, text: str | None = None) -> str:
    """The prose of a document, or every docstring of a Python file (its `text` if given)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    if path.suffix == ".md":
        return text
    nodes = ast.walk(ast.parse(text))
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return "\n".join(ast.get_docstring(n) or "" for n in nodes if isinstance(n, kinds))


def missing_paths(edited: dict[Path, str] | None = None) -> list[str]:
    """`edited`: texts to check in place of some files' own (the files stay as they are)."""
    edited = edited or {}
    files = tracked()
    basenames = {f.name for f in files}
    sources = [f for f in files if f.suffix == ".md" or (
        f.suffix == ".py" and f.relative_to(ROOT).parts[0] in ("indexer", "webui", "bench",
                                                                "tests"))]
    missing = []
    for source in sources:
        for match in PATH.finditer(named_in(source, edited.get(source))):
            ref = match.group(1)
            if ref.startswith(ELSEWHERE):
                continue
            if "/" not in ref.removeprefix("../"):
                found = ref in basenames or not ref.endswith((".py", ".md"))
            else:
                found = any((base / ref).exists()
                            for base in (ROOT, ROOT / "indexer", source.parent))
            if not found:
                missing.append(f"{source.relative_to(ROOT)}: {ref}")
    return missing


def test_every_path_the_docs_name_exists():
    assert missing_paths() == []


def test_a_stale_path_is_caught():
    """The check itself: a docstring naming a module that moved is reported. The edited
    text is checked in place of the file's, never written (a build in another test worker
    fingerprints indexer/domain/ and would see the edit)."""
    stale = ROOT / "indexer" / "domain" / "taxonomy.py"
    original = stale.read_text(encoding="utf-8")
    moved = original.replace('"""', '"""Formerly indexer/taxonomy.py and dead_ends.py. ', 1)
    assert missing_paths({stale: moved}) == ["indexer/domain/taxonomy.py: indexer/taxonomy.py",
                                             "indexer/domain/taxonomy.py: dead_ends.py"]
    assert stale.read_text(encoding="utf-8") == original
