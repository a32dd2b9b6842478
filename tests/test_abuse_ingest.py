"""Crafted text files that made the reader's regular expressions and line joining take
minutes (issue 9): each now costs time linear in its size. The tests assert the exact
result; before the fix they ran for minutes (144 s for the heading alone)."""
from __future__ import annotations

from indexer.ingest import clean
from indexer.ingest.readers.text import text_to_blocks

LINE = "the local authority has improved its work with children and families a lot"


def test_a_markdown_heading_with_thousands_of_spaces():
    blocks = text_to_blocks("# x" + " " * 4000 + "y\n\nSome text.\n")
    assert [(b.kind, b.text) for b in blocks] == [("heading", "x y"), ("paragraph", "Some text.")]


def test_markdown_heading_closing_marks_are_still_dropped():
    blocks = text_to_blocks("## Strengths ##   \n\nText.\n")
    assert [(b.kind, b.text) for b in blocks][0] == ("heading", "Strengths")


def test_unclosed_emphasis_marks_in_a_long_line():
    text = "*a" * 100_000
    assert [b.text for b in text_to_blocks(text + "\n")] == [text]


def test_an_eight_megabyte_hard_wrapped_paragraph_is_one_block():
    lines = [LINE] * 110_000  # 8.25 MB
    blocks = text_to_blocks("\n".join(lines) + ".\n")
    assert len(blocks) == 1
    assert blocks[0].text == " ".join(lines) + "."


def test_joining_lines_still_undoes_line_end_hyphens():
    assert clean.join_lines(["the assess-", "ment of need", "multi-", "agency work"]) == \
        "the assessment of need multi-agency work"
