"""The records the cache keeps, the two ways it packs them, and the schema number derived from them.

A post reaches the cache in three shapes, one per reader (see benchmarks/README.md, design notes):
its index (index.py, `marshal`), for planning every feed; its header and, for a deferred article, its
parsed Post (`pack`: pickled and compressed), for rendering the feeds that hold it; its bodies'
HTML (`pack_text`: compressed UTF-8). The last run's report is kept as JSON (lifecycle.py).

Each of these rows is stored with its `checksum`. SQLite notices damage to the structure of its
pages, not to the bytes of a row: without one, a flipped bit in an index or a summary would be
planned from or published as if it were what the post gave.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import zlib
from dataclasses import dataclass

from ..model import Author, Entry, EntryRef, Post, PostEntries, PostIndex, Problem

# Raised when what a row holds for the same post changes while the fields of RECORDS stay the same
# (a new rule for item ids, say, or a column added); any change of those fields changes SCHEMA by itself.
LAYOUT = 7


@dataclass(frozen=True)
class FileStamp:
    """What stat() says of a post file; equal stamps mean the file was not touched."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class KnownFile:
    """A post file as the cache last saw it: its stat and the hash of its bytes."""

    size: int
    mtime_ns: int
    digest: str


@dataclass(frozen=True)
class Body:
    """One entry's text as the cache keeps it: its summary and its HTML, packed (pack_text)."""

    index: int
    summary: str
    html: bytes


@dataclass(frozen=True)
class PostRow:
    """One file read, marked up and split, in the shapes the cache keeps it (made in the worker).

    The main process only stores these bytes and plans from `ref`; making them in the worker
    spreads the packing over the workers, and what crosses the pipe is a few compact blobs
    instead of every entry with its HTML.
    """

    path: str
    digest: str
    ref: bytes  # index.encode: what planning needs
    header: bytes  # pack(): the entries without their text (None when the file has none)
    bodies: list[Body]
    # An article whose Markdown was left for later (no bodies yet, see process.process_file): the Post
    # itself, packed, so that rendering it later needs no second read and parse of the file.
    saved: bytes = b""
    # "draft" or "future": the post is left out, and has no entries.
    skipped: str | None = None
    # False when the post was rejected or skipped.
    has_entries: bool = False
    # The file system refused the file (read.Unreadable): the cache must read it again next run.
    unread: bool = False


# Every record whose fields shape a cached row, directly or inside a packed or indexed one.
RECORDS: tuple[type, ...] = (
    FileStamp,
    KnownFile,
    Body,
    PostRow,
    Problem,
    Author,
    Post,
    Entry,
    PostEntries,
    EntryRef,
    PostIndex,
)


def schema_number(layout: int, records: tuple[type, ...]) -> int:
    """A positive 31-bit number (SQLite's user_version) from the layout and every record's fields."""
    shape = [(r.__qualname__, [(f.name, str(f.type)) for f in dataclasses.fields(r)]) for r in records]
    number = int.from_bytes(hashlib.sha256(repr((layout, shape)).encode()).digest()[:4], "big") & 0x7FFFFFFF
    # 0 is a new database's user_version, 1 the oldest layout: never ours.
    return number if number > 1 else number + 2


SCHEMA = schema_number(LAYOUT, RECORDS)


def checksum(*parts: bytes) -> int:
    """The CRC-32 of a row's stored bytes, in order: cheap next to reading the row, and sure to
    change when a burst of up to 32 bits in them does."""
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return crc


def pack(record: object) -> bytes:
    """A record (a header, a Post) as the cache keeps it: pickled, then compressed."""
    return zlib.compress(pickle.dumps(record, pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> object:
    return pickle.loads(zlib.decompress(blob))


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def pack_bodies(entries: PostEntries) -> list[Body]:
    """A post's bodies by entry index; an article is index 0 both as the whole post and as its only item."""
    bodies = {e.index: e for e in (*entries.items, entries.article)}
    return [Body(i, bodies[i].summary, pack_text(bodies[i].content_html)) for i in sorted(bodies)]
