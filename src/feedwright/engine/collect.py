"""Post files → PostIndexes: read, mark up and split each changed post, in worker processes.

Unchanged files are taken from the cache. The main process keeps only each post's
index (index.py: ids, dates, tags, fingerprints) so memory does not grow with the
site; headers and bodies go to the cache, from which the render stage fetches just
those that a changed feed holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..config import Config
from ..model import PostIndex, Problem
from . import index
from .cache import Cache
from .records import FileStamp
from .scan import Changes, scan


def collect(config: Config, now: datetime) -> tuple[list[PostIndex], list[Problem], int, int]:
    """Every post read, marked up and split, with no cache (`feedwright check`).

    Returns each file's index (sorted by path), problems of the walk, the number of files
    and how many were read (all of them).
    """
    stamps, problems = scan(config)
    results = read_changed(sorted(stamps), stamps, config, now, None, 1)
    return [results[key] for key in sorted(results)], problems, len(stamps), len(stamps)


def load_unchanged(cache: Cache, changes: Changes) -> dict[str, PostIndex]:
    """The cached index of every file whose bytes the cache holds; gone files are forgotten.

    An unreadable row is no result: its file is to be read again.
    """
    for stamp in changes.touched:
        cache.restamp(stamp)
    cache.forget(changes.gone)
    return index.decode_many(cache.load_index(changes.digests))


def read_changed(
    paths: list[str],
    stamps: dict[str, FileStamp],
    config: Config,
    now: datetime,
    cache: Cache | None,
    jobs: int,
    progress: Callable[[str, int, int], None] | None = None,
    unread: list[str] | None = None,
) -> dict[str, PostIndex]:
    """Read, mark up and split these files, storing each in the cache; their indexes by path.

    With a cache, an article's Markdown is deferred (see process.process_file). Files the file
    system refused are not stored, and added to `unread`.
    """
    results: dict[str, PostIndex] = {}
    if not paths:
        return results
    from .process import process_all

    for done, row in enumerate(process_all(paths, config, now, jobs, cache is not None), 1):
        if progress is not None:
            progress("posts", done, len(paths))
        if row.unread and unread is not None:
            unread.append(row.path)
        if cache is not None:
            if row.skipped != "future" and not row.unread:
                cache.store(stamps[row.path], row)
            else:
                # A post dated in the future must be read again later: its day will come. One the
                # file system refused may be readable next run under the very same stat (a chmod).
                cache.forget([row.path])
        # Made from the bytes the cache keeps, so a cold run plans from exactly what a warm run loads.
        results[row.path] = index.decode(row.path, row.ref)
    return results


def fill_bodies(paths: list[str], config: Config, now: datetime, cache: Cache, jobs: int) -> int:
    """Render the deferred Markdown of these posts into the cache, before feeds that hold them are written.

    Returns how many files had to be read again, their saved post missing.
    """
    if not paths:
        return 0
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
        return 0
    # A cache from before posts were saved, or a row lost: read those files again.
    known = cache.known_files()
    for row in process_all(unsaved, config, now, jobs):
        cached = known.get(row.path)
        if cached is None or cached.digest != row.digest or not row.has_entries:
            continue  # changed or gone since it was read: the next run reads it again
        cache.store(FileStamp(row.path, cached.size, cached.mtime_ns), row)
    return len(unsaved)
