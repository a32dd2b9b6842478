"""Practice topics: which areas of children's social care a text speaks of (care leavers,
missing children, supervision, ...), from the data in data/practice_topics.toml.

Follow-ups use them as a topic check: a later passage follows a recommendation up only
when it speaks of one of the recommendation's topics (indexer.answers.followups).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "practice_topics.toml"


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))["topic"]
    return tuple((name, re.compile(r"(?<!\w)(?:" + "|".join(forms) + ")", re.IGNORECASE))
                 for name, forms in data.items())


def names() -> tuple[str, ...]:
    return tuple(name for name, _ in _patterns())


def topics(text: str) -> frozenset[str]:
    """The practice topics a text speaks of."""
    plain = text.replace("’", "'").replace("‘", "'")
    return frozenset(name for name, pattern in _patterns() if pattern.search(plain))
