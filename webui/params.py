"""Parameters that a page adds to the search parameters (`by=` on trends, `authority=`
on compare, ...): split them off before the search parameters are parsed, and check
each against its allowed values with one clear 400 message."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from indexer.api import BadRequest


def split(args, own: tuple[str, ...]) -> tuple[MultiDict, MultiDict]:
    """(the search parameters, this page's own parameters)."""
    search = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in own])
    mine = MultiDict([(k, v) for k, v in args.items(multi=True) if k in own])
    return search, mine


def choice(args, name: str, allowed: tuple[str, ...], default: str = "") -> str:
    value = (args.get(name) or default).strip()
    if value not in allowed:
        shown = ", ".join(a for a in allowed if a) or "nothing"
        raise BadRequest(f"{name} must be one of {shown}, not {value[:40]!r}")
    return value


def reject_unknown(args, allowed: tuple[str, ...] = ()) -> None:
    """A 400 naming every parameter not in `allowed` (pages without search parameters)."""
    unknown = sorted({name for name in args.keys() if name not in allowed})
    if unknown:
        shown = ", ".join(repr(n[:40]) for n in unknown[:5])
        valid = ", ".join(allowed) if allowed else "none"
        raise BadRequest(f"unknown parameter{'s' if len(unknown) > 1 else ''} {shown} "
                         f"(valid: {valid})")
