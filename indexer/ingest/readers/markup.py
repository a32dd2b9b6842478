"""Turn HTML into line-structured text the text reader understands: headings become
marked lines, list items become bullet lines, paragraphs are separated by blank lines.

Only structural tags are interpreted. Anything else (including <script> written in a
report's text) stays literal text, so that it is indexed and shown as text, never run.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

HEADING_MARK = "\x01"  # starts a line that markup says is a heading
_STRUCTURAL = r"(?:ul|ol|li|b|strong|p|br|h[1-6]|em|i|span|div|u)"
_TAG_RE = re.compile(rf"</?{_STRUCTURAL}\b[^<>]*>", re.IGNORECASE)
_BOLD_LINE_RE = re.compile(r"^\s*<(b|strong)>\s*(.*?)\s*</\1>\s*$", re.IGNORECASE | re.MULTILINE)
_INLINE_BULLET_RE = re.compile(r"(?<=\S)\s+([▪◼•])\s+(?=\S)")


def fragments_to_marked_text(text: str) -> str:
    """Rewrite HTML fragments embedded in plain text (seed letters) as marked lines."""
    if not _TAG_RE.search(text):
        return _split_inline_bullets(text)
    text = _BOLD_LINE_RE.sub(lambda m: f"\n{HEADING_MARK}{m.group(2)}\n", text)
    text = re.sub(r"<li\b[^<>]*>", "\n▪ ", text, flags=re.IGNORECASE)
    text = re.sub(r"</li\s*>|<br\s*/?>|</?(ul|ol|div)\b[^<>]*>", "\n", text, flags=re.I)
    text = re.sub(r"</?(p|h[1-6])\b[^<>]*>", "\n\n", text, flags=re.IGNORECASE)
    text = _TAG_RE.sub("", text)
    text = re.sub(r"^(\s*▪\s*)+", "▪ ", text, flags=re.MULTILINE)
    return _split_inline_bullets(text)


def _split_inline_bullets(text: str) -> str:
    """Split several bullets written on one line ("▪ a ▪ b") onto lines of their own."""
    return _INLINE_BULLET_RE.sub(lambda m: f"\n{m.group(1)} ", text)


class _HtmlToText(HTMLParser):
    """Collects text from a whole HTML page, marking headings and list items."""

    SKIP = {"script", "style", "head", "title", "nav", "footer", "noscript", "template"}
    BLOCK = {"p", "div", "section", "article", "table", "tr", "blockquote", "ul", "ol", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append(f"\n\n{HEADING_MARK}")
        elif tag == "li":
            self.parts.append("\n▪ ")
        elif tag in self.BLOCK or tag == "td":
            self.parts.append("\n\n" if tag != "td" else " ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK or tag == "li":
            self.parts.append("\n\n" if tag != "li" else "\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data.replace("\n", " ") if self.parts else data)


def html_to_marked_text(text: str) -> str:
    """Extract the visible text of an HTML page as marked lines."""
    parser = _HtmlToText()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.parts)
    return re.sub(rf"{HEADING_MARK}\s+", HEADING_MARK, joined)
