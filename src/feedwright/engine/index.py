"""Parsed posts ↔ PostIndex: the compact form of a post that the cache keeps and feeds are planned from.

A cached post is kept twice: its header (every field of its entries but the text) for
rendering, and this index, which holds only what deciding feeds needs. A run that changes
one post loads the index of every post, and the header of only those in feeds it writes.
The index is plain tuples for `marshal`, the fastest to load (see benchmarks/README.md,
design notes); each tuple is an EntryRef's fields but its path, in their order.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from collections.abc import Iterable

from ..model import Entry, EntryRef, PostEntries, PostIndex, Problem, author_names
from .gcpause import paused_gc

_RefRow = tuple[str, float, float, tuple[str, ...], tuple[str, ...], int, bytes, tuple[str, ...]]


def entry_fingerprint(entry: Entry, digest: str) -> bytes:
    """A hash of all a feed shows of the entry; with the same config, same hash → same output.

    The body is covered by the hash of the post file it comes from (`digest`). 128 bits:
    enough against chance collisions, and half the memory of a whole SHA-256 in hex.
    """
    text = repr(
        (entry.id, entry.title, entry.link, entry.published, entry.updated, entry.tags, entry.categories, digest)
    )
    return hashlib.sha256(text.encode()).digest()[:16]


def encode(entries: PostEntries | None, problems: tuple[Problem, ...], skipped: str | None, digest: str) -> bytes:
    """One post's index, as bytes for the cache."""
    article: _RefRow | None = None
    items: tuple[_RefRow, ...] = ()
    if entries is not None:
        article = _ref_row(entries.article, digest)
        # An article is its own only item: write it once.
        items = tuple(article if e is entries.article else _ref_row(e, digest) for e in entries.items)
    shown = tuple((p.path, p.message, p.severity, p.line) for p in problems)
    return marshal.dumps((shown, skipped, article, items))


def decode(path: str, blob: bytes) -> PostIndex:
    shown, skipped, article, items = marshal.loads(blob)
    problems = tuple(Problem(*p) for p in shown) if shown else ()
    if article is None:
        return PostIndex(path, problems, skipped)
    ref = _ref(article, path)
    if len(items) == 1 and items[0] == article:
        refs: tuple[EntryRef, ...] = (ref,)
    else:
        refs = tuple(_ref(row, path) for row in items)
    return PostIndex(path, problems, skipped, ref, refs)


def decode_many(rows: Iterable[tuple[str, bytes]]) -> dict[str, PostIndex]:
    """Many posts' indexes by path; an unreadable row is left out, so that its file is read again.

    The cyclic garbage collector is paused meanwhile: every object made here is kept, and none
    is in a cycle (see gcpause.py).
    """
    indexes: dict[str, PostIndex] = {}
    with paused_gc():
        for path, blob in rows:
            with contextlib.suppress(ValueError, TypeError, EOFError):
                indexes[path] = decode(path, blob)
    return indexes


def _ref_row(entry: Entry, digest: str) -> _RefRow:
    return (
        entry.id,
        entry.sort_key[0],
        entry.updated.timestamp(),
        entry.tags,
        entry.categories,
        entry.index,
        entry_fingerprint(entry, digest),
        author_names(entry),
    )


def _ref(row: _RefRow, path: str) -> EntryRef:
    entry_id, sort_time, updated_time, tags, categories, index, fingerprint, authors = row
    return EntryRef(
        entry_id,
        sort_time,
        updated_time,
        # One string object per tag across the whole site, not one per post that carries it.
        tuple(map(sys.intern, tags)),
        tuple(map(sys.intern, categories)),
        index,
        path,
        fingerprint,
        tuple(map(sys.intern, authors)),
    )
