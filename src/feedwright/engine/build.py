"""The whole pipeline, read → split → select → render → write, with its report.

collect.py reads, marks up and splits the posts that changed; feeds.py decides which
feeds exist and what each holds; publish.py renders the feeds whose inputs changed;
everything staged is then published at once, and the run's report kept for a
later run over exactly the same files to replay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..config import Config
from ..model import EntryRef, FeedSpec, PostIndex, Problem
from ..plan.idguard import id_change_warning, published_ids
from ..write.atomic import BatchWriter, remove_leftovers
from ..write.lock import build_lock
from ..write.manifest import read_site_ids, settle_manifest
from .cache import Cache, FileStamp, dumps, loads
from .gcpause import kept_out_of_sight, paused_gc
from .scan import compare, scan


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    prune: bool = False
    no_cache: bool = False
    jobs: int = 0
    now: datetime | None = None
    # Told (stage, done, total) as work advances; the CLI draws a progress bar with it.
    progress: Callable[[str, int, int], None] | None = None


@dataclass
class BuildReport:
    posts_found: int = 0
    posts_read: int = 0
    posts_rejected: int = 0
    posts_skipped: int = 0
    posts_parsed: int = 0
    entries: int = 0
    feeds: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    feeds_rendered: int = 0
    aborted: str | None = None
    changed_feeds: list[str] = field(default_factory=list)
    cache_note: str | None = None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def exit_code(self, strict: bool) -> int:
        if self.aborted:
            return 1
        if strict and self.posts_rejected:
            return 1
        return 0

    def summary(self) -> str:
        state = "aborted, nothing written" if self.aborted else "done"
        return (
            f"feedwright: {state}: {self.posts_read} posts read ({self.posts_rejected} rejected,"
            f" {self.posts_skipped} drafts/future skipped), {self.entries} entries, {self.feeds} feeds,"
            f" {self.files_written} files written, {self.files_unchanged} unchanged,"
            f" {self.errors} errors, {self.warnings} warnings, {self.seconds:.2f} s"
        )


def config_fingerprint(config: Config) -> str:
    """Everything that shapes output besides the posts: the config and feedwright's version."""
    text = repr((__version__, dataclasses.replace(config, root=Path("."))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(config: Config) -> Path:
    """One cache per output folder, kept outside it so the web server never serves it."""
    out = str(config.output_dir())
    name = hashlib.sha256(out.encode("utf-8")).hexdigest()[:16]
    return config.root.resolve() / ".feedwright-cache" / f"{name}.sqlite"


def run_build(config: Config, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    now = options.now or datetime.now(UTC)
    out_dir = config.output_dir()
    jobs = options.jobs or os.cpu_count() or 1
    with build_lock(out_dir, config.lock_timeout):
        config_fp = config_fingerprint(config)
        cache = _open_cache(config, config_fp, options, report)
        try:
            with kept_out_of_sight() as keep:
                _build(config, options, now, jobs, cache, config_fp, out_dir, report, keep)
        finally:
            cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _open_cache(config: Config, config_fp: str, options: BuildOptions, report: BuildReport) -> Cache:
    path = cache_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if options.no_cache:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    except OSError:
        # A cache that cannot live on disk is kept in memory for this run.
        cache = Cache(None, config_fp)
    else:
        cache = Cache(path, config_fp)
    report.cache_note = cache.rebuilt_reason
    return cache


def _build(
    config: Config,
    options: BuildOptions,
    now: datetime,
    jobs: int,
    cache: Cache,
    config_fp: str,
    out_dir: Path,
    report: BuildReport,
    keep: Callable[[], None],
) -> None:
    # A stamp per post, twice (the folder's and the cache's), and the last report: kept, never in a cycle.
    with paused_gc(keep):
        scanned = scan(config)
        snapshot = _snapshot(config_fp, scanned[0], options)
        if cache.get_meta("snapshot") == snapshot and _replay(cache, out_dir, report):
            return
        changes = compare(scanned[0], cache.stamps())
    # Files were at most touched (a checkout, a copy), so every post's bytes are what the cache holds;
    # if the run that last changed the cache finished, it wrote the output these bytes give.
    finished = _finished_mark(options)
    same = not changes.todo and not changes.gone and cache.get_meta("finished") == finished
    if same and _replay(cache, out_dir, report):
        for stamp in changes.touched:
            cache.restamp(stamp)
        cache.set_meta("snapshot", snapshot)
        cache.commit()
        return
    # From here the cache may change: it describes a finished run again only once this one finishes.
    cache.set_meta("finished", "")
    # Only a run killed while publishing leaves temporary files; it never clears this mark.
    if cache.get_meta("publishing") != "":
        remove_leftovers(out_dir)
    # Imported here, past the replay: Markdown, lxml and feedgen cost a no-op cron run more than its work.
    from ..render.pages import OPML_FILENAME, render_index, render_opml
    from .collect import collect, fill_bodies
    from .publish import feed_files, render_stale, stale_feeds

    results, walk_problems, found, parsed = collect(config, now, cache, jobs, options.progress, scanned, changes, keep)
    # A stat and a hash per post: at 100,000 posts, tens of MB that nothing after this needs.
    del scanned, changes
    report.problems.extend(walk_problems)
    report.posts_found = found
    report.posts_parsed = parsed
    # Planning makes several objects for each entry of the site and keeps them all, none of them
    # in a cycle: the collector would walk the growing heap again and again for nothing (at 100,000
    # posts, about half the time of these steps). No Markdown runs here, which does make cycles.
    with paused_gc(keep):
        specs = _plan(results, config, report)
        if specs is None:
            return
        site_ids = published_ids(specs)
        warning = id_change_warning(read_site_ids(out_dir), site_ids, config.base_url, str(out_dir))
        if warning is not None:
            report.problems.append(warning)
        stale, fingerprints, report.files_unchanged = stale_feeds(
            specs, config, config_fp, cache.feed_fingerprints(), out_dir
        )
    wanted = sorted({e.path for spec in stale for e in spec.entries})
    fill_bodies(cache.without_bodies(wanted), config, now, cache, jobs)
    # Bodies written by this run must be visible to the worker processes that render feeds.
    cache.commit()
    files = [name for spec in specs for name in feed_files(spec, config)]
    # Forget what is about to be replaced before replacing it: a run killed while publishing must
    # leave the next run rendering those feeds again, not trusting fingerprints of files it never wrote.
    previous = cache.feed_fingerprints()
    stale_paths = {spec.path for spec in stale}
    cache.set_feed_fingerprints({k: v for k, v in previous.items() if k not in stale_paths})
    previous_pages = cache.get_meta("pages")
    cache.set_meta("snapshot", "")
    cache.set_meta("pages", "")
    cache.set_meta("publishing", "1")
    cache.commit()
    writer = BatchWriter(out_dir)
    try:
        tally = render_stale(stale, config, writer, cache, cache.path, jobs, options.progress)
        pages_print = _pages_print(specs, config_fp)
        pages = (("index.html", render_index), (OPML_FILENAME, render_opml))
        files.extend(name for name, _ in pages)
        if previous_pages == pages_print and all((out_dir / name).is_file() for name, _ in pages):
            tally.unchanged += len(pages)
        else:
            for name, render in pages:
                if writer.add(name, render(specs, config)):
                    tally.written += 1
                else:
                    tally.unchanged += 1
        writer.commit()
    except BaseException:
        # Workers stage files of their own; those of batches whose results never arrived
        # (an error, a full disk, a signal) are known to no writer: sweep the folder for them.
        writer.discard()
        remove_leftovers(out_dir)
        raise
    finally:
        writer.discard()
    report.feeds_rendered = tally.rendered
    report.files_written = tally.written
    report.files_unchanged += tally.unchanged
    report.changed_feeds = tally.changed_urls
    kept_warning = settle_manifest(out_dir, files, site_ids, options.prune)
    if kept_warning is not None:
        report.problems.append(kept_warning)
    cache.set_feed_fingerprints(fingerprints)
    cache.set_meta("pages", pages_print)
    # A post waiting for its date must be looked at again on every run, so such a site is never replayed.
    waiting = any(r.skipped == "future" for r in results)
    cache.set_meta("snapshot", "" if waiting else snapshot)
    cache.set_meta("finished", "" if waiting else finished)
    cache.set_meta("report", dumps((report.problems, _counts(report), sorted(files))).hex())
    cache.set_meta("publishing", "")
    cache.commit()


def _plan(results: list[PostIndex], config: Config, report: BuildReport) -> list[FeedSpec[EntryRef]] | None:
    """Every feed, once duplicate ids are rejected and the posts counted; None when too many posts failed."""
    from ..plan.feeds import plan_feeds
    from .collect import reject_duplicate_ids

    results = reject_duplicate_ids(results)
    for result in results:
        report.problems.extend(result.problems)
        if result.skipped:
            report.posts_skipped += 1
        elif result.article is None:
            report.posts_rejected += 1
        else:
            report.posts_read += 1
    considered = report.posts_read + report.posts_rejected
    if considered and report.posts_rejected > config.max_failure_ratio * considered:
        report.aborted = (
            f"{report.posts_rejected} of {considered} posts were rejected, more than"
            f" max_failure_ratio {config.max_failure_ratio:g}; nothing written"
        )
        report.problems.append(Problem(str(config.posts_dir()), report.aborted))
        return None
    posts = [r for r in results if r.article is not None]
    specs = plan_feeds(posts, config)
    report.feeds = len(specs)
    report.entries = len({e.id for p in posts for e in p.items})
    return specs


def _pages_print(specs: list[FeedSpec[EntryRef]], config_fp: str) -> str:
    """What index.html and feeds.opml show of the feeds: names, counts, dates and places.

    An edit that changes none of these (most edits of a post's text) leaves both pages as they are.
    """
    shown = [(s.path, s.kind, s.key, s.title, s.name, s.total, s.updated) for s in specs]
    return hashlib.sha256(repr((config_fp, shown)).encode()).hexdigest()


_COUNTED = ("posts_found", "posts_read", "posts_rejected", "posts_skipped", "entries", "feeds")


def _counts(report: BuildReport) -> tuple[int, ...]:
    return tuple(getattr(report, name) for name in _COUNTED)


def _snapshot(config_fp: str, stamps: dict[str, FileStamp], options: BuildOptions) -> str:
    """What a build's output depends on, short of reading the posts: config and every file's stat."""
    h = hashlib.sha256(repr((config_fp, options.prune)).encode())
    for key in sorted(stamps):
        stamp = stamps[key]
        h.update(f"{key}\0{stamp.size}\0{stamp.mtime_ns}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _finished_mark(options: BuildOptions) -> str:
    # --prune shapes output too, and is no part of the config the cache is keyed by.
    return f"prune={options.prune}"


def _replay(cache: Cache, out_dir: Path, report: BuildReport) -> bool:
    """A run over the same posts and config as the last one: report what it reported, touch nothing.

    Every output file must still be there; one deleted by hand makes this a full run again.
    """
    try:
        kept = loads(bytes.fromhex(cache.get_meta("report") or ""))
    except (ValueError, TypeError, EOFError, pickle.UnpicklingError):
        return False
    if not (isinstance(kept, tuple) and len(kept) == 3):
        return False
    problems, counts, files = kept
    folder = f"{out_dir}{os.sep}"
    if not all(os.path.isfile(folder + name) for name in files):
        return False
    report.problems.extend(problems)
    for name, value in zip(_COUNTED, counts, strict=True):
        setattr(report, name, value)
    report.files_unchanged = len(files)
    return True
