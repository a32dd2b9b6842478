"""Words or a phrase? An unquoted query of several words matches them anywhere in a
passage, stemmed and expanded (`agency social workers` also finds "multi-agency" and
"Regional Adoption Agency"), so its figures can be far above the phrase's. Pages that
count (trends, compare, follow-ups) say so and give the phrase's figure beside it
(docs/decisions/0034-honest-numbers.md).

A query counts as unquoted words when it has two or more words and no quotes, brackets,
boolean operators, field syntax, wildcards or boosts: then `"…"` around it is its phrase.
"""
from __future__ import annotations

import dataclasses
import re

from indexer.search.vocabulary import acronyms

_SYNTAX = re.compile(r'["()\[\]{}:*?^~]|(?<!\w)(?:AND|OR|NOT)(?!\w)')
_WORD = re.compile(r"\w+")


def unquoted_words(query: str) -> bool:
    """True for a plain query of at least two words (no phrase or query syntax)."""
    text = (query or "").strip()
    return len(_WORD.findall(text)) >= 2 and not _SYNTAX.search(text)


def phrase_of(query: str) -> str:
    """The same words as one exact phrase."""
    return '"' + " ".join(query.split()) + '"'


def phrase_request(request):
    """The request with its words as one exact phrase (None when it is not plain words)."""
    if not unquoted_words(request.query):
        return None
    return dataclasses.replace(request, query=phrase_of(request.query),
                               filters=dict(request.filters),
                               year_ranges=list(request.year_ranges))


def wording(found, query: str) -> dict:
    """{"unquoted_words", "expansions"}: what the words were read as (the concepts the
    search added: acronyms, section names, corrections)."""
    return {"unquoted_words": unquoted_words(query),
            "expansions": list(getattr(found.plan, "expansions", []) or [])}


def key_label(key: str) -> str:
    """A key as a label: `help_and_protection` -> "Help and protection", `lscb` -> "LSCB"
    (the vocabulary's acronyms stay in capitals, wherever they stand)."""
    known = acronyms()
    words = [w.upper() if w.upper() in known else w for w in str(key).replace("_", " ").split()]
    if not words:
        return ""
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])
