"""Practice topics: which areas of children's social care a text speaks of (care leavers,
missing children, supervision, ...), from the data in data/practice_topics.toml.

Follow-ups use them as a topic check: a later passage follows a recommendation up only
when it speaks of one of the recommendation's topics (indexer.answers.followups). Every
passage of a build is read, so a topic's form is tried only where the text (in lower
case) holds the form's literal beginning (`anchor`) at a word start, and only when the
text has that literal's first word (or a word with its first three letters): the same
topics as each topic's whole pattern searched through the text, much sooner.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "practice_topics.toml"
_META = set(".^$*+?{}[]\\|()")
_TOKEN = re.compile(r"[a-z0-9]+")
_WORD_CHAR = re.compile(r"\w")
# the letters that a case-insensitive pattern matches beside their upper and lower case
# (dotted and dotless i, long s, the Kelvin sign), as the anchors are written
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def anchor(form: str) -> str | None:
    """The literal text, lower case, that every match of a form begins with ("personal
    advis" of "personal advis[oe]r"; "manager" of "managers?'? oversight"); None when the
    form begins with a group or a class, or holds a choice of its own."""
    depth, literal, i = 0, [], 0
    for char in form:
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            return None
    while form.startswith("\\b", i):
        i += 2
    while i < len(form) and form[i] not in _META:
        if i + 1 < len(form) and form[i + 1] in "?*{":
            break
        literal.append(form[i])
        i += 1
    return "".join(literal).lower() or None


def _key(literal: str) -> tuple[str, str] | None:
    """When a form's match begins with `literal` it begins a word (the pattern asks that),
    so the text has ("word", w): the whole word w, when the literal goes on after its first
    word with a space, a hyphen, ...; or ("head", h): a word beginning with h, the first
    three letters of the literal (or all, when shorter), when it is one word. None: neither
    can be told."""
    first = _TOKEN.match(literal)
    if first is None:
        return None
    return ("head", literal[:3]) if first.end() == len(literal) else ("word", first.group())


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, re.Pattern], tuple[dict, dict], frozenset]:
    """(topic -> its pattern, (word -> [(literal, form, topic)], head -> [(literal, form,
    topic)]), the topics that are always tried with their whole pattern)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))["topic"]
    patterns, keyed, always = {}, ({}, {}), set()
    for name, forms in data.items():
        patterns[name] = re.compile(r"(?<!\w)(?:" + "|".join(forms) + ")", re.IGNORECASE)
        literals = [anchor(form) for form in forms]
        keys = [_key(literal) if literal else None for literal in literals]
        if None in keys:
            always.add(name)
            continue
        for (kind, key), literal, form in zip(keys, literals, forms):
            keyed[kind == "head"].setdefault(key, []).append(
                (literal, re.compile(form, re.IGNORECASE), name))
    return patterns, keyed, frozenset(always)


@lru_cache(maxsize=1)
def _no_topic() -> re.Pattern:
    """The phrases that name no topic although a topic's word is in them ([no_topic])."""
    phrases = tomllib.loads(DATA.read_text(encoding="utf-8"))["no_topic"]["phrases"]
    return re.compile("|".join(phrases), re.IGNORECASE)


@lru_cache(maxsize=1)
def _short_heads() -> tuple[str, ...]:
    return tuple(head for head in _patterns()[1][1] if len(head) < 3)


def names() -> tuple[str, ...]:
    return tuple(_patterns()[0])


def _begins(folded: str, literal: str, form: re.Pattern) -> bool:
    """Whether the form matches at a word start where the literal begins."""
    at = folded.find(literal)
    while at >= 0:
        if (at == 0 or not _WORD_CHAR.match(folded, at - 1)) and form.match(folded, at):
            return True
        at = folded.find(literal, at + 1)
    return False


def fold(text: str) -> str:
    """The text in lower case, the letters that a case-blind pattern matches beside their
    cases (İ ı ſ K) as those letters: a pattern of lower-case ASCII letters matches it, case
    and all, where it matches the text case-blind (and positions stay where they were)."""
    return text.translate(_FOLD).lower()


def topics(text: str) -> frozenset[str]:
    """The practice topics a text speaks of (its phrases that name none left out)."""
    plain = _no_topic().sub(" ", text.replace("’", "'").replace("‘", "'"))
    folded = fold(plain)
    patterns, (words, heads), always = _patterns()
    tokens = _TOKEN.findall(folded)
    found = {name for name in always if patterns[name].search(plain)}
    for held, keys in ((words.keys() & tokens, words),
                       (heads.keys() & {token[:3] for token in tokens}, heads),
                       (_short_heads(), heads)):
        for key in held:
            found.update(name for literal, form, name in keys[key]
                         if name not in found and _begins(folded, literal, form))
    return frozenset(found)
