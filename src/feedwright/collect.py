"""Post files → PostIndexes: read, mark up and split each changed post, in worker processes.

Unchanged files are taken from the cache. The main process keeps only each post's
index (index.py: ids, dates, tags, fingerprints) so memory does not grow with the
site; headers and bodies go to the cache, from which the render stage fetches just
those that a changed feed holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import index
from .cache import Cache, FileStamp, dumps
from .config import Config
from .model import Entry, PostEntries, PostIndex, Problem
from .posts import shown_path
from .scan import Changes, compare, scan

if TYPE_CHECKING:
    from .process import PostResult


def fill_bodies(paths: list[str], config: Config, now: datetime, cache: Cache, jobs: int) -> None:
    """Render the deferred Markdown of these posts into the cache, before feeds that hold them are written."""
    if not paths:
        return
    from .process import PostResult, process_all, render_saved

    # Worker processes read the saved posts from the cache file.
    cache.commit()
    unsaved: list[str] = []
    for key, entries in render_saved(sorted(paths), config, jobs, cache.path, cache.saved):
        if entries is None:
            unsaved.append(key)
        else:
            cache.store_bodies(key, _strip(PostResult(key, entries, ()))[1])
    if not unsaved:
        return
    # A cache from before posts were saved, or a row lost: read those files again.
    stamps = cache.stamps()
    for key, digest, result in process_all(unsaved, config, now, jobs):
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
    changes: Changes | None = None,
) -> tuple[list[PostIndex], list[Problem], int, int]:
    """Read, mark up and split every post, reusing the cache for files that did not change.

    Returns each file's index (sorted by path), problems of the walk, the number of
    files, and how many files were parsed anew.
    """
    stamps, problems = scanned if scanned is not None else scan(config)
    if changes is None:
        changes = compare(stamps, cache.stamps() if cache else {})
    todo = list(changes.todo)
    fresh = list(changes.digests)
    results: dict[str, PostIndex] = {}
    if cache is not None:
        for stamp in changes.touched:
            cache.restamp(stamp)
        cache.forget(changes.gone)
        for key, blob in cache.load_index(fresh):
            # An unreadable row is no result: the file is read again below.
            with contextlib.suppress(ValueError, TypeError, EOFError):
                results[key] = index.decode(key, blob)
    todo.extend(key for key in fresh if key not in results)
    for done, (key, digest, result) in enumerate(_process(sorted(todo), config, now, jobs, cache is not None), 1):
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
                if result.saved:
                    cache.save_post(key, result.saved)
            else:
                cache.forget([key])
        # Made from the bytes the cache keeps, so a cold run plans from exactly what a warm run loads.
        results[key] = index.decode(key, ref)
    return [results[key] for key in sorted(results)], problems, len(stamps), len(todo)


def _process(
    paths: list[str], config: Config, now: datetime, jobs: int, defer: bool
) -> Iterator[tuple[str, str, PostResult]]:
    if not paths:
        return
    from .process import process_all

    yield from process_all(paths, config, now, jobs, defer)


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
                shown_path(Path(result.path)),
                f"has the same id/permalink as {shown_path(Path(clash))} ({result.article.id}); give one of them"
                " its own 'permalink' or 'slug'",
            )
            kept.append(PostIndex(result.path, (*result.problems, problem)))
            continue
        for i in ids:
            owner[i] = result.path
        kept.append(result)
    return kept
