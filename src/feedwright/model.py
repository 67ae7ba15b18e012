"""The records that flow through the pipeline: Problem, Post, Entry, FeedSpec."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
FeedKind = Literal["site", "articles", "tag", "category", "archive"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input; printed as `PATH[:LINE]: LEVEL: message`."""

    path: str
    message: str
    severity: Severity = "error"
    line: int | None = None

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Author:
    name: str
    email: str | None = None
    uri: str | None = None


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


@dataclass(frozen=True)
class PostEntries:
    """What one post becomes: the whole article, and the entries of the site feeds.

    For an ordinary post `items` is `(article,)`; for a split digest it holds one
    entry per news item.
    """

    article: Entry
    items: tuple[Entry, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class FeedSpec:
    """One feed set (Atom, RSS, JSON) to write: its place, its names, its entries."""

    path: str
    kind: FeedKind
    key: str
    title: str
    description: str
    home_url: str
    self_urls: dict[str, str]
    entries: tuple[Entry, ...]
    total: int
    # Feed-level links to other feeds, (rel, that feed's path): RFC 5005 prev-archive/next-archive/current.
    links: tuple[tuple[str, str], ...] = ()

    @property
    def updated(self) -> datetime | None:
        if not self.entries:
            return None
        return max(e.updated for e in self.entries)
