"""One post file → PostResult: read, mark up and split it, in worker processes when there are many.

Kept apart from collect.py so that a run that reads no post (one was touched, deleted or
renamed) never imports Markdown, nh3 or lxml: they would cost more than all its work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .config import Config
from .markup import MarkdownRenderer, to_html
from .model import Post, PostEntries, Problem
from .posts import read_post, shown_path
from .scan import file_digest
from .split import article_entry, split_post, wants_split
from .workers import worker_pool

# Below this many posts to process, starting worker processes costs more than it saves.
PARALLEL_MIN = 48


@dataclass(frozen=True)
class PostResult:
    """One file after read, markup and split: its entries or why it has none."""

    path: str
    entries: PostEntries | None
    problems: tuple[Problem, ...]
    skipped: str | None = None
    # The Markdown was not rendered yet: the entries carry no summary or HTML (see process_file).
    deferred: bool = False


def process_post(post: Post, config: Config, renderer: MarkdownRenderer) -> PostEntries:
    html = to_html(renderer, post.body, post.permalink, config.sanitize)
    return split_post(post, html, config)


def process_file(
    path: Path, config: Config, now: datetime, renderer: MarkdownRenderer, defer: bool = False
) -> PostResult:
    """Read, mark up and split one file; with `defer`, an unsplit post's Markdown is left for later.

    Which feeds hold an article follows from its front matter alone, so its Markdown need
    only be rendered when a feed that holds it is written (about a quarter of the posts of
    a large site are in no feed at all). A digest is always split now: its items, and
    so its tags, come from its text.
    """
    result = read_post(path, config, now, display=shown_path(path))
    if result.post is None:
        return PostResult(str(path), None, result.problems, result.skipped)
    if defer and not wants_split(result.post, config):
        article = article_entry(result.post, "")
        return PostResult(str(path), PostEntries(article, (article,)), result.problems, deferred=True)
    entries = process_post(result.post, config, renderer)
    return PostResult(str(path), entries, (*result.problems, *entries.problems))


def _work(job: tuple[list[str], Config, datetime, bool]) -> list[tuple[str, str, PostResult]]:
    """One batch in a worker process; one Markdown instance serves the whole batch."""
    paths, config, now, defer = job
    renderer = MarkdownRenderer()
    return [(p, file_digest(p), process_file(Path(p), config, now, renderer, defer)) for p in paths]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def process_all(
    paths: list[str], config: Config, now: datetime, jobs: int, defer: bool = False
) -> Iterator[tuple[str, str, PostResult]]:
    """Process posts, in worker processes when there are enough; results in input order."""
    if jobs <= 1 or len(paths) < PARALLEL_MIN:
        renderer = MarkdownRenderer()
        for p in paths:
            yield p, file_digest(p), process_file(Path(p), config, now, renderer, defer)
        return
    size = max(8, min(64, len(paths) // (jobs * 8) or 8))
    with worker_pool(jobs) as pool:
        for batch in pool.map(_work, ((chunk, config, now, defer) for chunk in _chunks(paths, size))):
            yield from batch
