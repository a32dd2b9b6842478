"""Print what a PDF prints, for hand-checking the section truth (tests/data/section_truth.toml):
every line set in bold or in a font larger than the body text (a candidate heading, "H"),
and the start of each paragraph or bullet after it ("  "), page by page, straight from
PyMuPDF's spans. It does not use the parser, so the truth read from it is independent.

    python -m bench.pdf_outline FILE.pdf [--pages 3-5] [--width 70]
"""
from __future__ import annotations

import argparse
import re
from collections import Counter

import pymupdf


def body_size(doc) -> float:
    sizes = Counter()
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", ()):
                for span in line["spans"]:
                    sizes[round(span["size"])] += len(span["text"])
    return sizes.most_common(1)[0][0] if sizes else 11


def outline(path: str, pages: range | None, width: int) -> None:
    doc = pymupdf.open(path)
    body = body_size(doc)
    for number, page in enumerate(doc, start=1):
        if pages and number not in pages:
            continue
        print(f"--- page {number}")
        last_bottom, pending, label = None, False, ""
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", ()):
                spans = [s for s in line["spans"] if s["text"].strip()]
                if not spans:
                    continue
                text = "".join(s["text"] for s in spans).strip()
                bold = all(s["flags"] & 16 or "bold" in s["font"].lower() for s in spans)
                large = spans[0]["size"] >= body + 1
                gap = last_bottom is None or line["bbox"][1] - last_bottom > 4
                last_bottom = line["bbox"][3]
                if label:
                    text, label = f"{label} {text}", ""
                if re.fullmatch(r"\d{1,3}\.", text):
                    label = text  # a paragraph number set apart from its text
                elif (bold or large) and len(text) > 2:
                    print(f"H {text[:width * 2]}")
                    pending = True
                elif gap or pending:
                    print(f"    {text[:width]}")
                    pending = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--pages", help="e.g. 3-5")
    parser.add_argument("--width", type=int, default=70)
    args = parser.parse_args()
    pages = None
    if args.pages:
        low, _, high = args.pages.partition("-")
        pages = range(int(low), int(high or low) + 1)
    outline(args.file, pages, args.width)


if __name__ == "__main__":
    main()
