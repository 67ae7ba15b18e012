"""One post file → PostRow: read, mark up and split it, in worker processes when there are many.

Kept apart from collect.py so that a run that reads no post (one was touched, deleted or
renamed) never imports Markdown, nh3 or lxml: they would cost more than all its work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from ..commonmark import renderer_for
from ..config import Config
from ..generators import SiteRules, rules_for
from ..markup import Renderer
from ..model import Entry, Post, PostEntries, Problem
from ..pipeline import post_entries
from ..read import display_path
from ..read.post import read_with
from ..split.article import article_entry, wants_split
from ..syntax import syntax_problems
from . import index
from .cache import BodyReader, unpacked
from .records import Body, PostRow, pack, pack_bodies, unpack
from .scan import file_digest
from .workers import Batching, run_batches

# Posts to read or render: below 48, worker processes cost more than they save.
POST_BATCHES = Batching(least=48, per_worker=8, smallest=8, largest=64)


def process_file(
    path: Path,
    rules: SiteRules,
    now: datetime,
    renderer: Renderer,
    defer: bool = False,
    cwd: Path | None = None,
) -> PostRow:
    """Read, mark up and split one file; with `defer`, an unsplit post's Markdown is left for later.

    Which feeds hold an article follows from its front matter alone, so its Markdown need
    only be rendered when a feed that holds it is written (many articles are in no feed: see
    benchmarks/README.md, design notes). A digest is always split now: its items, and so its
    tags, come from its text.
    """
    config = rules.config
    result = read_with(path, rules, now, display=display_path(path, cwd))
    digest = result.digest or file_digest(str(path))
    if result.post is None:
        row = _post_row(str(path), digest, None, result.problems, result.skipped)
        return dataclasses.replace(row, unread=True) if result.unread else row
    if defer and not wants_split(result.post, config):
        article = article_entry(result.post, "")
        saved = pack(result.post)
        # Its Markdown is rendered later, when a feed needs it: what that will remove is said now.
        problems = (*result.problems, *syntax_problems(result.post, config))
        row = _post_row(str(path), digest, PostEntries(article, (article,)), problems, None)
        return dataclasses.replace(row, bodies=[], saved=saved)
    entries = post_entries(result.post, config, renderer)
    return _post_row(str(path), digest, entries, (*result.problems, *entries.problems), None)


def _post_row(
    path: str, digest: str, entries: PostEntries | None, problems: tuple[Problem, ...], skipped: str | None
) -> PostRow:
    ref = index.encode(entries, problems, skipped, digest)
    if entries is None:
        return PostRow(path, digest, ref, pack(None), [], skipped=skipped)
    return PostRow(path, digest, ref, pack(_headless(entries)), pack_bodies(entries), has_entries=True)


def _headless(entries: PostEntries) -> PostEntries:
    """The entries without their text, which the cache keeps apart (bodies) and reads only to render."""
    article = _strip(entries.article)
    items = tuple(article if e is entries.article else _strip(e) for e in entries.items)
    return PostEntries(article, items, entries.problems)


def _strip(entry: Entry) -> Entry:
    return dataclasses.replace(entry, summary="", content_html="")


def _read_rows(paths: list[str], config: Config, now: datetime, defer: bool) -> Iterator[PostRow]:
    """Each file in turn, as soon as it is done; one Markdown instance serves them all."""
    renderer = renderer_for(config)
    rules = rules_for(config)
    cwd = Path.cwd().resolve()
    for p in paths:
        yield process_file(Path(p), rules, now, renderer, defer, cwd)


def _process_batch(paths: list[str], context: tuple[Config, datetime, bool]) -> list[PostRow]:
    """In a worker: read, mark up and split a batch of files."""
    return list(_read_rows(paths, *context))


def process_all(paths: list[str], config: Config, now: datetime, jobs: int, defer: bool = False) -> Iterator[PostRow]:
    """Process posts, in worker processes when there are enough; results in input order."""
    if not POST_BATCHES.wanted(len(paths), jobs):
        # One row at a time: a whole site's rows (their HTML included) must never be held at once.
        yield from _read_rows(paths, config, now, defer)
        return
    for batch in run_batches(_process_batch, paths, (config, now, defer), jobs, POST_BATCHES):
        yield from batch


def _render_one(blob: bytes | None, config: Config, renderer: Renderer) -> list[Body] | None:
    if not blob:
        return None
    post = unpacked(blob, unpack)
    return pack_bodies(post_entries(post, config, renderer)) if isinstance(post, Post) else None


def _render_saved_batch(paths: list[str], context: tuple[Config, str]) -> list[tuple[str, list[Body] | None]]:
    """In a worker: render a batch of saved posts, read from the cache file."""
    config, cache_file = context
    reader = BodyReader(Path(cache_file))
    renderer = renderer_for(config)
    try:
        return [(p, _render_one(reader.saved(p), config, renderer)) for p in paths]
    finally:
        reader.close()


def render_saved(
    paths: list[str], config: Config, jobs: int, cache_file: Path | None, saved: Callable[[str], bytes | None]
) -> Iterator[tuple[str, list[Body] | None]]:
    """The bodies of deferred posts, rendered from the Posts saved in the cache; None where none is saved.

    Workers read the cache file themselves; without one on disk, the work stays here.
    """
    if cache_file is None or not POST_BATCHES.wanted(len(paths), jobs):
        renderer = renderer_for(config)
        for p in paths:
            yield p, _render_one(saved(p), config, renderer)
        return
    for batch in run_batches(_render_saved_batch, paths, (config, str(cache_file)), jobs, POST_BATCHES):
        yield from batch
