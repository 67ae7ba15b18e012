"""Post files → PostIndexes: read, mark up and split each changed post, in worker processes.

Unchanged files are taken from the cache. The main process keeps only each post's
index (index.py: ids, dates, tags, fingerprints) so memory does not grow with the
site; headers and bodies go to the cache, from which the render stage fetches just
those that a changed feed holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import index
from .cache import Cache, FileStamp, dumps
from .config import Config
from .markup import MarkdownRenderer, to_html
from .model import Entry, Post, PostEntries, PostIndex, Problem
from .posts import read_post, shown_path
from .scan import scan
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


# --- worker processes -------------------------------------------------------------------------


def _work(job: tuple[list[str], Config, datetime, bool]) -> list[tuple[str, str, PostResult]]:
    """One batch in a worker process; one Markdown instance serves the whole batch."""
    paths, config, now, defer = job
    renderer = MarkdownRenderer()
    return [(p, _digest(Path(p)), process_file(Path(p), config, now, renderer, defer)) for p in paths]


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _process_all(
    paths: list[str], config: Config, now: datetime, jobs: int, defer: bool = False
) -> Iterator[tuple[str, str, PostResult]]:
    """Process posts, in worker processes when there are enough; results in input order."""
    if jobs <= 1 or len(paths) < PARALLEL_MIN:
        renderer = MarkdownRenderer()
        for p in paths:
            yield p, _digest(Path(p)), process_file(Path(p), config, now, renderer, defer)
        return
    size = max(8, min(64, len(paths) // (jobs * 8) or 8))
    with worker_pool(jobs) as pool:
        for batch in pool.map(_work, ((chunk, config, now, defer) for chunk in _chunks(paths, size))):
            yield from batch


def fill_bodies(paths: list[str], config: Config, now: datetime, cache: Cache, jobs: int) -> None:
    """Render the deferred Markdown of these posts into the cache, before feeds that hold them are written."""
    stamps = cache.stamps()
    for key, digest, result in _process_all(sorted(paths), config, now, jobs):
        cached = stamps.get(key)
        if cached is None or cached[2] != digest or result.entries is None:
            continue  # changed or gone since it was read: the next run reads it again
        header, bodies = _strip(result)
        ref = index.encode(result.entries, result.problems, result.skipped, digest)
        cache.store(FileStamp(key, cached[0], cached[1]), digest, dumps(header.entries), ref, bodies)


# --- the build ----------------------------------------------------------------------------------


def _strip(result: PostResult) -> tuple[PostResult, list[tuple[int, str, str]]]:
    """Split a result into its header (kept in memory) and its bodies (kept in the cache)."""
    if result.entries is None:
        return result, []
    pe = result.entries
    # An article is index 0 both as the whole post and as its only item; a digest's items are 1..n.
    bodies = {e.index: (e.index, e.summary, e.content_html) for e in (*pe.items, pe.article)}
    header = PostEntries(_headless(pe.article), tuple(_headless(e) for e in pe.items), pe.problems)
    return dataclasses.replace(result, entries=header), [bodies[i] for i in sorted(bodies)]


def _headless(entry: Entry) -> Entry:
    return dataclasses.replace(entry, summary="", content_html="")


def collect(
    config: Config,
    now: datetime,
    cache: Cache | None = None,
    jobs: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    scanned: tuple[dict[str, FileStamp], list[Problem]] | None = None,
) -> tuple[list[PostIndex], list[Problem], int, int]:
    """Read, mark up and split every post, reusing the cache for files that did not change.

    Returns each file's index (sorted by path), problems of the walk, the number of
    files, and how many files were parsed anew.
    """
    stamps, problems = scanned if scanned is not None else scan(config)
    known = cache.stamps() if cache else {}
    todo: list[str] = []
    fresh: list[str] = []
    for key, stamp in stamps.items():
        cached = known.get(key)
        if cached is not None and cached[:2] == (stamp.size, stamp.mtime_ns):
            fresh.append(key)
        elif cached is not None and cached[0] == stamp.size and _digest(Path(key)) == cached[2]:
            # Touched but not changed (a checkout, a copy): same bytes, same result.
            assert cache is not None
            cache.restamp(stamp)
            fresh.append(key)
        else:
            todo.append(key)
    results: dict[str, PostIndex] = {}
    if cache is not None:
        cache.forget(set(known) - set(stamps))
        for key, blob in cache.load_index(fresh):
            # An unreadable row is no result: the file is read again below.
            with contextlib.suppress(ValueError, TypeError, EOFError):
                results[key] = index.decode(key, blob)
    todo.extend(key for key in fresh if key not in results)
    defer = cache is not None
    for done, (key, digest, result) in enumerate(_process_all(sorted(todo), config, now, jobs, defer), 1):
        if progress is not None:
            progress("posts", done, len(todo))
        ref = index.encode(result.entries, result.problems, result.skipped, digest)
        if cache is not None:
            header, bodies = _strip(result)
            if result.deferred:
                bodies = []
            if result.skipped != "future":
                # A post dated in the future must be read again later: its day will come.
                cache.store(stamps[key], digest, dumps(header.entries), ref, bodies)
            else:
                cache.forget([key])
        # Made from the bytes the cache keeps, so a cold run plans from exactly what a warm run loads.
        results[key] = index.decode(key, ref)
    return [results[key] for key in sorted(results)], problems, len(stamps), len(todo)


def reject_duplicate_ids(results: list[PostIndex]) -> list[PostIndex]:
    """Two posts with one id would be one entry to readers: keep the first file, reject the second."""
    owner: dict[str, str] = {}
    kept: list[PostIndex] = []
    for result in results:
        if result.article is None:
            kept.append(result)
            continue
        ids = {result.article.id, *(e.id for e in result.items)}
        clash = next((owner[i] for i in sorted(ids) if i in owner), None)
        if clash is not None:
            problem = Problem(
                result.source,
                f"has the same id/permalink as {clash} ({result.article.id}); give one of them"
                " its own 'permalink' or 'slug'",
            )
            kept.append(PostIndex(result.path, (*result.problems, problem)))
            continue
        for i in ids:
            owner[i] = result.source
        kept.append(result)
    return kept
