"""The records that flow through the pipeline: Problem, Post, Entry, EntryRef, PostIndex, FeedSpec."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, Literal, TypeGuard, TypeVar

Severity = Literal["error", "warning"]
# Timedelta arithmetic from here reaches every date datetime can hold, as fromtimestamp() may not.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FeedKind = Literal["site", "articles", "tag", "category", "author", "archive"]

# What could split a problem line in two, forge another, or drive the terminal: C0 and C1
# controls, DEL, the separators str.splitlines breaks at, lone surrogates (a file name's
# undecodable bytes). Each is written as Python writes it in a string: \n, \x1b, \u2028.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape_controls(text: str) -> str:
    return _CONTROLS.sub(lambda found: repr(found.group())[1:-1], text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input; printed as `PATH[:LINE]: LEVEL: message`."""

    path: str
    message: str
    severity: Severity = "error"
    line: int | None = None

    def format(self) -> str:
        """One line, always: control characters in a file name or message are shown escaped."""
        path = _escape_controls(self.path)
        where = path if self.line is None else f"{path}:{self.line}"
        return f"{where}: {self.severity}: {_escape_controls(self.message)}"


@dataclass(frozen=True)
class Author:
    name: str
    email: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class GitDates:
    """Each post file's first commit date, by path relative to the posts folder; or git's own error."""

    dates: dict[str, datetime] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class Post:
    """A source file with its front matter normalised; body still Markdown."""

    source: Path
    rel_path: str
    id: str
    slug: str
    title: str
    published: datetime
    updated: datetime
    authors: tuple[Author, ...]
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    permalink: str
    image: str | None
    summary: str
    body: str
    body_line: int
    split: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Entry:
    """One item of a feed: a whole article, or one news item of a digest."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    authors: tuple[Author, ...]
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    summary: str
    content_html: str
    image: str | None
    related: tuple[str, ...]
    post_id: str
    index: int
    source: str

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first, then by id so that equal times give a stable order."""
        return (-self.published.timestamp(), self.id)


def author_names(entry: Entry) -> tuple[str, ...]:
    """The names the per-author feeds group the entry under: each author's, once, blanks left out."""
    return tuple(dict.fromkeys(name for a in entry.authors if (name := a.name.strip())))


@dataclass(frozen=True)
class PostEntries:
    """What one post becomes: the whole article, and the entries of the site feeds.

    For an ordinary post `items` is `(article,)`; for a split digest it holds one
    entry per news item.
    """

    article: Entry
    items: tuple[Entry, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(slots=True)
class EntryRef:
    """What choosing feeds needs of an entry, and no text: a large site's worth loads in a blink.

    Feeds are planned with these; only the entries of a feed about to be written are
    read in full (see publish.py). Treated as immutable, but not frozen: a frozen
    dataclass costs several times as much to make, and a site has hundreds of thousands.
    Every field is one a site of 100,000 posts holds ~180,000 times: keep them few and small.
    """

    id: str
    # -published.timestamp(): newest first (see sort_key).
    sort_time: float
    # updated.timestamp(); the dates themselves are made when asked for (archives, index.html).
    updated_time: float
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    index: int
    # The post file it comes from, under which the cache keeps its header and body.
    path: str
    # A hash of all a feed shows of the entry (its header and its file's content hash).
    fingerprint: bytes
    # Its authors' names, for the per-author feeds (feeds.authors).
    authors: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[float, str]:
        """As Entry.sort_key: newest first, then by id."""
        return (self.sort_time, self.id)

    @property
    def published(self) -> datetime:
        return _EPOCH + timedelta(seconds=-self.sort_time)

    @property
    def updated(self) -> datetime:
        return _EPOCH + timedelta(seconds=self.updated_time)


@dataclass(slots=True)
class PostIndex:
    """One post file as the planning stage sees it: its entries' refs, or why it has none."""

    path: str
    problems: tuple[Problem, ...]
    skipped: str | None = None
    # None when the post was rejected or skipped.
    article: EntryRef | None = None
    items: tuple[EntryRef, ...] = ()


E = TypeVar("E", Entry, EntryRef)


@dataclass(frozen=True)
class FeedSpec(Generic[E]):
    """One feed set (Atom, RSS, JSON) to write: its place, its names, its entries.

    Planned with EntryRefs; publish.py fills in the Entries of the feeds it renders.
    """

    path: str
    kind: FeedKind
    key: str
    title: str
    description: str
    home_url: str
    self_urls: dict[str, str]
    entries: tuple[E, ...]
    total: int
    # Feed-level links to other feeds, (rel, that feed's path): RFC 5005 prev-archive/next-archive/current.
    links: tuple[tuple[str, str], ...] = ()
    # A tag's, category's or author's name as its entries spell it most (the feed's title uses it); '' otherwise.
    name: str = ""

    def filled(self, entries: tuple[Entry, ...]) -> FeedSpec[Entry]:
        """The same feed holding `entries`: its refs read in full, as it is rendered."""
        kept = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "entries"}
        return FeedSpec(entries=entries, **kept)

    @cached_property
    def updated(self) -> datetime | None:
        """The newest entry's update; asked for several times per feed by the pages, so kept."""
        if not self.entries:
            return None
        if _holds_refs(self.entries):
            # One date made from the newest timestamp, not one per entry.
            return _EPOCH + timedelta(seconds=max(e.updated_time for e in self.entries))
        return max(e.updated for e in self.entries)


def _holds_refs(entries: tuple[Entry, ...] | tuple[EntryRef, ...]) -> TypeGuard[tuple[EntryRef, ...]]:
    """Whether a feed's entries are refs; a feed holds one kind only, so its first entry tells."""
    return bool(entries) and isinstance(entries[0], EntryRef)
