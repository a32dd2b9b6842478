"""A new segment's postings handed to Whoosh's W3 field writer a term at a time, from the
arrays the posting pool gathered (indexer.index.posting_pool), with byte for byte the
posting blocks Whoosh's own loop writes (decision 0051, "Update (session 13)").

Whoosh's `FieldWriter.add_postings` takes one `(field, term, docnum, weight, value)` tuple a
posting, checks its order, looks up the document's field length, and calls
`W3PostingsWriter.add_posting`, which writes the buffered block when it already holds
`blocklimit` postings, type-checks the posting, appends its id and weight, keeps its value
if not empty and tracks the block's largest weight (as given, before the float32 array
rounds it, from 0) and its shortest and longest non-zero field length. Here each term's
postings are cut into the same blocks and each block's buffers are set at once with the
same values and statistics; `finish_term` writes the last block as Whoosh does. The lengths
are the length bytes the build writer recorded (indexer.index.writer), read as Whoosh's
length column reader reads them (0 and a missing column: no length).

Whoosh internals used (whoosh-reloaded 2.7.5, pinned): `W3FieldWriter.start_field` /
`start_term` / `finish_term` / `finish_field` and its `_postwriter`; `W3PostingsWriter`'s
`_blocklimit`, `_ids`, `_weights`, `_values`, `_maxweight`, `_minlength`, `_maxlength` and
`_write_block()`. tests/test_writer.py compares every segment file with plain Whoosh's.
"""
from __future__ import annotations

from array import array

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.util.numeric import byte_to_length

# A length byte's field length as the length column reader gives it (0 for None: no length)
LENGTH_OF_BYTE = [0] + [byte_to_length(b) for b in range(1, 256)]


def fits(fieldwriter) -> bool:
    """True for the field writer this module knows (exactly Whoosh's W3 one)."""
    return type(fieldwriter) is W3FieldWriter


def write(fieldwriter, schema, lengths: dict[str, bytearray] | None, terms) -> None:
    """What `fieldwriter.add_postings(schema, lengths reader, postings)` writes, from
    `terms`: (field, term bytes, docnums, weights, values) in (field, term) order, each
    term once. `lengths`: each field's length bytes by docnum (None: no length statistics)."""
    lastfn = lasttext = column = None
    for fieldname, btext, docnums, weights, values in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                if fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            column = lengths.get(fieldname) if lengths is not None else None
            lastfn = fieldname
        elif btext <= lasttext:
            raise OutOfOrderError(f"Term {fieldname}:{lasttext!r} .. {fieldname}:{btext!r}")
        lasttext = btext
        fieldwriter.start_term(btext)
        _fill(fieldwriter._postwriter, docnums, weights, values, _lengths(column, docnums))
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


def _lengths(column: bytearray | None, docnums) -> list[int] | None:
    if column is None:
        return None
    size = len(column)
    return [LENGTH_OF_BYTE[column[d]] if d < size else 0 for d in docnums]


def _fill(postwriter, docnums, weights, values, lengths: list[int] | None) -> None:
    """A term's postings into the postings writer's blocks, all but the last written."""
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        end = start + limit
        block = weights[start:end]
        postwriter._ids = array("I", docnums[start:end])
        postwriter._weights = array("f", block)
        postwriter._values = [v for v in values[start:end] if v]
        postwriter._maxweight = max(0, max(block))
        known = [n for n in lengths[start:end] if n] if lengths is not None else None
        if known:
            postwriter._minlength = min(known)
            postwriter._maxlength = max(known)
