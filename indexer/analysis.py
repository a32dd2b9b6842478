"""The text analyzer used for indexing and querying, built Whoosh-style with `|`.

tokenize -> fold case and accents -> normalise apostrophes and possessives -> drop stop
words -> stem. The same chain runs on documents and queries, so variants meet.
"""
from __future__ import annotations

import re
import unicodedata

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

# Whoosh's default English stop list without "not": "not effective" is a real phrase here.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may of on or that the this "
    "to us we will with you your".split()
)
TOKEN_PATTERN = r"\w+(?:['’]\w+)*"


class FoldFilter(Filter):
    """Fold accents and apostrophe forms: "children’s", "children's", "childrens" -> "children"."""

    _POSSESSIVE = re.compile(r"['’](s)?$")

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not text.isascii():
                text = "".join(c for c in unicodedata.normalize("NFKD", text)
                               if not unicodedata.combining(c))
            text = self._POSSESSIVE.sub("", text).replace("’", "").replace("'", "")
            token.text = text
            yield token


def make_analyzer():
    """The analyzer of every searchable text field."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=True)
        | StemFilter(cachesize=100_000)
    )
