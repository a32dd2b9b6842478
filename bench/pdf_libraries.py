"""Benchmark: the four PDF libraries installed in the venv, on the real corpus.

For each: CPU seconds to read the text (PyMuPDF and pypdfium2 on every PDF; pypdf and
pdfplumber on every 5th, scaled up), whether font facts come with the text, and what
three known layout traps give. Also times our reader. Prints a table; asserts nothing.

    python -m bench.pdf_libraries [--corpus ../shared/corpus] [--step 5]
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

REPORTS = "inspection_reports"
# (file under the corpus, what a reader should get right there)
LETTER = "d2i-ofsted-focused-visits/inspection_reports/2532283_dorset/" \
         "children's services focused visit - 22 june 2023.pdf"  # address block written last
TABLE = "jt39-ofsted-ilacs/inspection_reports/80566_sunderland/" \
        "children's services inspection - 25 july 2018.pdf"  # judgement heading in a table
FOOTER = "jt39-ofsted-ilacs/inspection_reports/80578_west sussex/" \
         "children's services inspection - 11 may 2023.pdf"  # running footer on every page


def pymupdf_dict(path: str) -> list[str]:
    import pymupdf
    with pymupdf.open(path) as doc:
        return ["\n".join("".join(s["text"] for s in line["spans"])
                          for block in page.get_text("dict")["blocks"]
                          for line in block.get("lines", ())) for page in doc]


def pymupdf_text(path: str) -> list[str]:
    import pymupdf
    with pymupdf.open(path) as doc:
        return [page.get_text() for page in doc]


def pdfium_text(path: str) -> list[str]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_bounded() for page in doc]
    finally:
        doc.close()


def pdfium_fonts(path: str) -> list[str]:
    """Text plus a per-character size and weight call: what headings would need."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    doc = pdfium.PdfDocument(path)
    try:
        out = []
        for page in doc:
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                raw.FPDFText_GetFontSize(textpage.raw, i)
                raw.FPDFText_GetFontWeight(textpage.raw, i)
            out.append(textpage.get_text_bounded())
        return out
    finally:
        doc.close()


def pypdf_text(path: str) -> list[str]:
    import pypdf
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def pdfplumber_words(path: str) -> list[str]:
    """Words with font name and size (pdfplumber's way to get font facts)."""
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [" ".join(w["text"] for w in page.extract_words(extra_attrs=["fontname", "size"]))
                for page in pdf.pages]


def pdfplumber_text(path: str) -> list[str]:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def our_reader(path: str) -> list[str]:
    from indexer.ingest.readers.pdf import read_pdf
    doc = read_pdf(path)
    pages = [""] * doc.pages
    for block in doc.blocks:
        pages[block.page - 1] += block.text + "\n"
    return pages


LIBRARIES = [  # name, function, on every file?, font facts
    ("PyMuPDF get_text('dict')", pymupdf_dict, True, "size, font, bold/italic flags per span"),
    ("PyMuPDF get_text('text')", pymupdf_text, True, "none (plain text)"),
    ("pypdfium2 text", pdfium_text, True, "none (plain text)"),
    ("pypdfium2 text + fonts", pdfium_fonts, False, "size, weight per char via raw calls"),
    ("pypdf extract_text", pypdf_text, False, "only through a visitor callback"),
    ("pdfplumber extract_text", pdfplumber_text, False, "none (plain text)"),
    ("pdfplumber words+fonts", pdfplumber_words, False, "fontname, size per char/word"),
    ("our reader (read_pdf)", our_reader, True, "headings, bullets, paragraphs"),
]


def probes(function, corpus: Path) -> str:
    """Three layout traps: address block order, table interleaving, running footer."""
    letter = "\n".join(function(str(corpus / LETTER)))
    order = "address first" if letter.find("Piccadilly") < letter.find("Dear Ms Leavy") \
        else "address after body"
    table = " ".join(function(str(corpus / TABLE))[15].split())  # page 16
    mixed = "cells apart" if "progress of children looked after and achieving permanence" \
        in table else "cells interleaved"
    pages = function(str(corpus / FOOTER))
    footers = sum(bool(re.search(r"(?<!dates: )13 to 24 March 2023", page)) for page in pages)
    return f"{order}; {mixed}; footer on {footers}/{len(pages)} pages"


def timed(function, files: list[str]) -> float:
    start = time.process_time()
    for path in files:
        function(path)
    return time.process_time() - start


def page_count(path: str) -> int:
    import pymupdf
    with pymupdf.open(path) as doc:
        return doc.page_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--step", type=int, default=5, help="every Nth file for slow libraries")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = sorted(glob.glob(str(corpus / "*" / REPORTS / "**" / "*.pdf"), recursive=True))
    print(f"{len(files)} PDFs under {corpus}; CPU seconds (time.process_time), one core\n")
    print(f"{'library':27} {'files':>5} {'pages':>5} {'seconds':>8} {'for 235':>8} "
          f"{'ms/page':>7}  font facts | probes")
    pages_of = {path: page_count(path) for path in files}
    for name, function, every, fonts in LIBRARIES:
        subset = files if every else files[::args.step]
        seconds, pages = timed(function, subset), sum(pages_of[path] for path in subset)
        scaled = seconds * len(files) / len(subset)
        print(f"{name:27} {len(subset):5d} {pages:5d} {seconds:8.1f} {scaled:8.1f} "
              f"{1000 * seconds / max(pages, 1):7.1f}  {fonts} | {probes(function, corpus)}")
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
