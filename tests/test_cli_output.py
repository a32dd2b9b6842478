"""What `python -m indexer search` prints without --json: the count line reads as English
("1 passage in 1 report", "56 passages in 5 reports"), then each hit's title and passages."""
from __future__ import annotations

import json

from indexer.__main__ import main


def count_line(capsys, seed_index, *query: str) -> str:
    assert main(["search", *query, "--index", str(seed_index)]) == 0
    return capsys.readouterr().out.splitlines()[0]


def test_one_passage_in_one_report_is_singular(seed_index, capsys):
    assert count_line(capsys, seed_index, '"drift and delay"') == "1 passage in 1 report"


def test_many_are_plural_and_agree_with_the_json(seed_index, capsys):
    line = count_line(capsys, seed_index, "children")
    assert main(["search", "children", "--index", str(seed_index), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["total"] > 1 and found["reports"] > 1
    assert line == f"{found['total']} passages in {found['reports']} reports"
