"""Parsed posts ↔ PostIndex: the compact form of a post that the cache keeps and feeds are planned from.

A cached post is kept twice: its header (every field of its entries but the text) for
rendering, and this index, which holds only what deciding feeds needs. A run that changes
one post loads the index of every post, and the header of only those in feeds it writes.
The index is plain tuples for `marshal`, which loads them several times faster than
pickle loads dataclasses.
"""

from __future__ import annotations

import hashlib
import marshal
from datetime import datetime

from .model import Entry, EntryRef, PostEntries, PostIndex, Problem

_Row = tuple[str, float, str, str, tuple[str, ...], tuple[str, ...], str, int, str]


def entry_print(entry: Entry, digest: str) -> str:
    """A hash of all a feed shows of the entry; with the same config, same hash → same output.

    The body is covered by the hash of the post file it comes from (`digest`).
    """
    text = repr(
        (entry.id, entry.title, entry.link, entry.published, entry.updated, entry.tags, entry.categories, digest)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def encode(entries: PostEntries | None, problems: tuple[Problem, ...], skipped: str | None, digest: str) -> bytes:
    """One post's index, as bytes for the cache."""
    article: _Row | None = None
    items: tuple[_Row, ...] = ()
    source = ""
    if entries is not None:
        article = _row(entries.article, digest)
        # An article is its own only item: write it once.
        items = tuple(article if e is entries.article else _row(e, digest) for e in entries.items)
        source = entries.article.source
    shown = tuple((p.path, p.message, p.severity, p.line) for p in problems)
    return marshal.dumps((shown, skipped, source, article, items))


def decode(path: str, blob: bytes) -> PostIndex:
    shown, skipped, source, article, items = marshal.loads(blob)
    problems = tuple(Problem(*p) for p in shown) if shown else ()
    if article is None:
        return PostIndex(path, problems, skipped)
    ref = _ref(article, path)
    if len(items) == 1 and items[0] == article:
        refs: tuple[EntryRef, ...] = (ref,)
    else:
        refs = tuple(_ref(row, path) for row in items)
    return PostIndex(path, problems, skipped, source, ref, refs)


def _row(entry: Entry, digest: str) -> _Row:
    return (
        entry.id,
        entry.sort_key[0],
        # isoformat keeps the offset, so the instant and its offset both come back exactly.
        entry.published.isoformat(),
        entry.updated.isoformat(),
        entry.tags,
        entry.categories,
        entry.post_id,
        entry.index,
        entry_print(entry, digest),
    )


def _ref(row: _Row, path: str) -> EntryRef:
    # marshal gives back tuples as tuples: tags and categories need no copy.
    entry_id, sort_time, published, updated, tags, categories, post_id, index, print_ = row
    return EntryRef(
        entry_id,
        (sort_time, entry_id),
        datetime.fromisoformat(published),
        datetime.fromisoformat(updated),
        tags,
        categories,
        post_id,
        index,
        path,
        print_,
    )
