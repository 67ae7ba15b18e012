"""Post files → PostIndexes: read, mark up and split each changed post, in worker processes.

Unchanged files are taken from the cache. The main process keeps only each post's
index (index.py: ids, dates, tags, fingerprints) so memory does not grow with the
site; headers and bodies go to the cache, from which the render stage fetches just
those that a changed feed holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..model import PostIndex, Problem
from ..read import shown_path
from . import index
from .cache import Cache, FileStamp
from .scan import Changes, compare, scan

if TYPE_CHECKING:
    from .process import PostRow


def fill_bodies(paths: list[str], config: Config, now: datetime, cache: Cache, jobs: int) -> None:
    """Render the deferred Markdown of these posts into the cache, before feeds that hold them are written."""
    if not paths:
        return
    from .process import process_all, render_saved

    # Worker processes read the saved posts from the cache file.
    cache.commit()
    unsaved: list[str] = []
    for key, bodies in render_saved(sorted(paths), config, jobs, cache.path, cache.saved):
        if bodies is None:
            unsaved.append(key)
        else:
            cache.store_bodies(key, bodies)
    if not unsaved:
        return
    # A cache from before posts were saved, or a row lost: read those files again.
    stamps = cache.stamps()
    for row in process_all(unsaved, config, now, jobs):
        cached = stamps.get(row.path)
        if cached is None or cached[2] != row.digest or not row.has_entries:
            continue  # changed or gone since it was read: the next run reads it again
        cache.store(FileStamp(row.path, cached[0], cached[1]), row.digest, row.header, row.ref, row.bodies)


# --- the build ----------------------------------------------------------------------------------


def collect(
    config: Config,
    now: datetime,
    cache: Cache | None = None,
    jobs: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    scanned: tuple[dict[str, FileStamp], list[Problem]] | None = None,
    changes: Changes | None = None,
    keep: Callable[[], None] | None = None,
) -> tuple[list[PostIndex], list[Problem], int, int]:
    """Read, mark up and split every post, reusing the cache for files that did not change.

    Returns each file's index (sorted by path), problems of the walk, the number of
    files, and how many files were parsed anew. `keep` is called once the cached indexes
    are loaded (see gcpause.kept_out_of_sight), before any post is read.
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
        # An unreadable row is no result: the file is read again below.
        results = index.decode_many(cache.load_index(fresh), keep)
    todo.extend(key for key in fresh if key not in results)
    for done, row in enumerate(_process(sorted(todo), config, now, jobs, cache is not None), 1):
        if progress is not None:
            progress("posts", done, len(todo))
        if cache is not None:
            if row.skipped != "future":
                # A post dated in the future must be read again later: its day will come.
                cache.store(stamps[row.path], row.digest, row.header, row.ref, row.bodies)
                if row.saved:
                    cache.save_post(row.path, row.saved)
            else:
                cache.forget([row.path])
        # Made from the bytes the cache keeps, so a cold run plans from exactly what a warm run loads.
        results[row.path] = index.decode(row.path, row.ref)
    return [results[key] for key in sorted(results)], problems, len(stamps), len(todo)


def _process(paths: list[str], config: Config, now: datetime, jobs: int, defer: bool) -> Iterator[PostRow]:
    if not paths:
        return
    from .process import process_all

    yield from process_all(paths, config, now, jobs, defer)


def reject_duplicate_ids(results: list[PostIndex]) -> list[PostIndex]:
    """Two posts with one id would be one entry to readers: the one published first keeps it.

    Readers already hold the earlier post under that id, so the later one is reported and left
    out, whatever the files are named (equal dates: the path that sorts first).
    """
    owner: dict[str, str] = {}
    kept: dict[str, PostIndex] = {}
    for result in sorted(results, key=_first_published):
        if result.article is None:
            kept[result.path] = result
            continue
        ids = {result.article.id, *(e.id for e in result.items)}
        clash = next((owner[i] for i in sorted(ids) if i in owner), None)
        if clash is not None:
            problem = Problem(
                shown_path(Path(result.path)),
                f"has the same id/permalink as {shown_path(Path(clash))} ({result.article.id}), published earlier;"
                " left out: give it its own 'permalink' or 'slug'",
            )
            kept[result.path] = PostIndex(result.path, (*result.problems, problem))
            continue
        for i in ids:
            owner[i] = result.path
        kept[result.path] = result
    return [kept[result.path] for result in results]


def _first_published(result: PostIndex) -> tuple[float, str]:
    # sort_time is minus the publication time.
    return (-result.article.sort_time if result.article is not None else 0.0, result.path)
