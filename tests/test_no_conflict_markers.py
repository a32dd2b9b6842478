"""No file that git tracks carries a merge's conflict markers: several engineers land on
main by merging it, and a README with `<<<<<<< HEAD` in it once passed every other test."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    return [ROOT / n for n in names if n and (ROOT / n).is_file()]


def test_no_tracked_file_carries_conflict_markers():
    found = []
    for path in tracked_text_files():
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
                  for m in MARKER.finditer(text)]
    assert found == []


def test_the_marker_pattern_finds_a_real_conflict():
    conflict = "a\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> main\nb\n"
    assert [m.group(0) for m in MARKER.finditer(conflict)] == ["<<<<<<< ", "=======", ">>>>>>> "]
