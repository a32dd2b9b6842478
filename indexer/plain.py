"""plain(): a dataclass as plain dicts and lists, as dataclasses.asdict gives it, 4x faster
(SearchResults.to_dict; docs/decisions/0028-throughput.md). Imports nothing of ours."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, is_dataclass

_ATOMIC = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value):
    """What dataclasses.asdict gives (dataclasses become dicts; lists and dicts are copied;
    anything else as asdict does it), without asdict's generic checks and deepcopy of every
    str and int, which were a quarter of an API search's CPU: the same dict, 4x faster."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is list:
        return [v if type(v) in _ATOMIC else plain(v) for v in value]
    if kind is dict:
        return {plain(k): v if type(v) in _ATOMIC else plain(v) for k, v in value.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.setdefault(kind, tuple(f.name for f in fields(value)))
    if names is not None:
        found = {}
        for name in names:  # most fields are str, int or None: no call for those
            v = getattr(value, name)
            found[name] = v if type(v) in _ATOMIC else plain(v)
        return found
    return asdict(_Box(value))["value"]  # tuples, subclasses, other objects: as asdict


@dataclass
class _Box:
    """A one-field dataclass, to ask asdict about a value that is not one."""

    value: object
