"""The whole pipeline, read → split → plan → render → write, as named phases, with its report.

scan.py looks at every post file; a run over the same files as the last finished one replays
its report (lifecycle.py). Otherwise collect.py reads, marks up and splits the posts that
changed; plan/ decides which feeds exist and what each holds; publish.py renders the feeds
whose inputs changed; everything is then published at once, and the run's report kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..config import Config
from ..model import EntryRef, FeedSpec, PostIndex, Problem
from ..plan.idguard import Published, id_change_warning, published_ids
from ..write.atomic import BatchWriter, PublishError, remove_leftovers
from ..write.lock import build_lock
from ..write.manifest import Manifest, Publication, load_manifest, stage_manifest
from . import announce
from .cache import Cache, CacheFault, as_fault, remove_files
from .gcpause import kept_out_of_sight, paused_gc
from .guard import check_owner, check_posts, check_walk, damaged
from .lifecycle import KeptReport, Lifecycle
from .records import FileStamp
from .scan import Changes, compare, scan


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    prune: bool = False
    no_cache: bool = False
    # Publish even when the posts folder is missing, cannot be listed or yields no posts (guard.py).
    allow_empty: bool = False
    # Publish into an output folder that another config owns, taking it over.
    force: bool = False
    # The config file's resolved path: who owns the output folder (None: no owner is checked or set).
    owner: str | None = None
    jobs: int = 0
    now: datetime | None = None
    # Told (stage, done, total) as work advances; the CLI draws a progress bar with it.
    progress: Callable[[str, int, int], None] | None = None
    # Tells the WebSub hub about changed feed URLs; returns its warnings and the URLs it could not announce.
    # Called with the lock held once the build is done, with what this run and earlier ones left unannounced.
    announce: Callable[[list[str]], tuple[list[Problem], list[str]]] | None = None


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
    # Counters of work done, for tests and benchmarks: what a run did not need to do, it did not do.
    posts_reread: int = 0  # files read again to render an article whose saved post was missing
    feeds_planned: int = 0  # 0 when the run was replayed
    headers_read: int = 0  # posts whose entries were read in full to render a feed
    pages_rendered: int = 0  # index.html and feeds.opml
    aborted: str | None = None
    changed_feeds: list[str] = field(default_factory=list)
    cache_note: str | None = None
    # What went wrong with the cache file and what was done about it (`-v`); a warning says it too.
    cache_fault: str | None = None
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
            f" {self.posts_skipped} left out: drafts, future, unpublished), {self.entries} entries, {self.feeds} feeds,"
            f" {self.files_written} files written, {self.files_unchanged} unchanged,"
            f" {self.errors} errors, {self.warnings} warnings, {self.seconds:.2f} s"
        )


@dataclass
class _Run:
    """What every phase of one build works with."""

    config: Config
    options: BuildOptions
    report: BuildReport
    cache: Cache
    config_fp: str
    now: datetime
    jobs: int
    out_dir: Path
    lifecycle: Lifecycle
    # What the last build published (write/manifest.py).
    manifest: Manifest
    # Post files the file system refused this run: not cached, and the run is not replayed.
    unread: list[str] = field(default_factory=list)


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
    out_dir = config.output_dir()
    with build_lock(out_dir, config.lock_timeout):
        manifest = load_manifest(out_dir)
        check_owner(manifest, options.owner, options.force, str(out_dir))
        config_fp = config_fingerprint(config)
        try:
            _run_with(
                config, options, report, config_fp, manifest, lambda: _open_cache(config, config_fp, options, report)
            )
        except _AfterPublishing as fault:
            # Starting over would only write nothing new, and lose which feeds changed (--ping).
            if fault.damaged:
                with contextlib.suppress(OSError):
                    remove_files(cache_path(config))
            done = "output written; removed it" if fault.damaged else "output written; the next run catches up"
            _fault_noted(report, cache_path(config), fault, done, None)
        except CacheFault as fault:
            # The cache can only cost time: whatever it broke, the build starts over without it.
            report = _without_cache(config, options, config_fp, fault, time.perf_counter() - started)
    report.seconds = time.perf_counter() - started
    return report


def _run_with(
    config: Config,
    options: BuildOptions,
    report: BuildReport,
    config_fp: str,
    manifest: Manifest,
    open_cache: Callable[[], Cache],
) -> None:
    cache = open_cache()
    now = options.now or datetime.now(UTC)
    jobs = options.jobs or os.cpu_count() or 1
    out_dir = config.output_dir()
    run = _Run(config, options, report, cache, config_fp, now, jobs, out_dir, Lifecycle(cache), manifest)
    try:
        with kept_out_of_sight() as keep:
            _build(run, keep)
        if options.announce is not None and not report.aborted:
            _announce(run, options.announce)
    finally:
        cache.close()


def _without_cache(
    config: Config, options: BuildOptions, config_fp: str, fault: CacheFault, lost: float
) -> BuildReport:
    """The build done again after the cache failed: on a new cache file when the old one was damaged
    (removed), else in memory, leaving a file that is locked, full or out of reach as it is."""
    path = cache_path(config)
    # Read again: the failed attempt published nothing, but it is what this attempt must compare with.
    manifest = load_manifest(config.output_dir())
    if fault.damaged:
        try:
            remove_files(path)
            report = BuildReport()
            _run_with(config, options, report, config_fp, manifest, lambda: Cache(path, config_fp))
            return _fault_noted(report, path, fault, "removed it, built with a new one", lost)
        except (CacheFault, OSError) as again:
            fault = as_fault(again)
    report = BuildReport()
    _run_with(config, options, report, config_fp, manifest, lambda: Cache(None, config_fp))
    return _fault_noted(report, path, fault, "built without it", lost)


def _fault_noted(report: BuildReport, path: Path, fault: CacheFault, done: str, lost: float | None) -> BuildReport:
    """One warning for the fault, added after the run kept its report: a replay never repeats it."""
    reason = fault.reason
    if path.is_dir():
        reason = f"{reason}: a directory is in its place"
    elif path.parent.exists() and not path.parent.is_dir():
        reason = f"{reason}: {path.parent} is not a folder"
    elif path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        reason = f"{reason}: its folder is read-only"
    elif not path.exists() and not fault.damaged:
        reason = f"{reason}: the file is gone"
    state = "damaged" if fault.damaged else "unusable"
    report.problems.append(Problem(str(path), f"cache {state} ({reason}); {done}", "warning"))
    where = f" in {fault.step}" if fault.step else ""
    kept = "" if fault.damaged else "; the file was left as it is"
    again = "" if lost is None else f"; the build started over after {lost:.2f} s"
    report.cache_fault = f"{reason}{where}{kept}{again}"
    return report


class _AfterPublishing(CacheFault):
    """The cache failed once every file was published: only its record of this run was lost."""


def _build(run: _Run, keep: Callable[[], None]) -> None:
    """The phases of a build. Each step that makes and keeps many objects, none in a cycle (every
    post's stamp, index and feed plan), runs with the collector paused and its objects then kept
    out of its sight (gcpause.py)."""
    with paused_gc(keep):
        stamps, walk_problems = scan(run.config)
        check_walk(walk_problems, run.options.allow_empty)
        # Before the cache forgets every post it holds: a folder unmounted leaves nothing to compare.
        check_posts(run.manifest, len(stamps), run.options.allow_empty, str(run.config.posts_dir()))
        snapshot = _snapshot(run.config_fp, stamps, run.options)
        if _replay(run, run.lifecycle.replayable(snapshot)):
            return
        changes = compare(stamps, run.cache.known_files())
    if _replay_touched(run, changes, snapshot):
        return
    if run.lifecycle.start_changing():
        remove_leftovers(run.out_dir)
    with paused_gc(keep):
        indexes = _load_unchanged(run, changes)
    indexes.update(_read_changed(run, changes, stamps, indexes))
    run.report.problems.extend(walk_problems)
    run.report.posts_found = len(stamps)
    # A stat and a hash per post, which nothing after this needs.
    del stamps, changes
    results = [indexes.pop(key) for key in sorted(indexes)]
    with paused_gc(keep):
        specs = _plan(results, run.config, run.report)
        if specs is None:
            return
        check_posts(run.manifest, run.report.posts_read, run.options.allow_empty, str(run.config.posts_dir()))
        site_ids = _check_site_ids(run, specs)
        stale, fingerprints = _stale_feeds(run, specs)
    _fill_bodies(run, stale)
    pages_fingerprint = _pages_fingerprint(specs, run.config_fp)
    previous_pages = run.lifecycle.start_publishing({spec.path for spec in stale})
    same_pages = previous_pages == pages_fingerprint and not damaged(
        str(run.out_dir), _page_names(run.config), run.manifest.stamps
    )
    files = _publish(run, specs, stale, same_pages, site_ids)
    # A post waiting for its date, or one the file system refused, must be looked at again on every
    # run, so such a site is never replayed.
    waiting = bool(run.unread) or any(r.skipped == "future" for r in results)
    kept = KeptReport(tuple(run.report.problems), _counts(run.report), tuple(sorted(files)))
    snapshot, finish_mark = ("", "") if waiting else (snapshot, _finish_mark(run.options))
    try:
        run.lifecycle.finish(fingerprints, pages_fingerprint, kept, snapshot, finish_mark)
    except CacheFault as fault:
        # The cache still says it was publishing: the next run renders these feeds again.
        raise _AfterPublishing(*fault.args) from fault


def _open_cache(config: Config, config_fp: str, options: BuildOptions, report: BuildReport) -> Cache:
    path = cache_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if options.no_cache:
            remove_files(path)
    except OSError as exc:
        # A cache that cannot live on disk: run_build builds without it, and says so.
        raise as_fault(exc, "open") from exc
    cache = Cache(path, config_fp)
    report.cache_note = cache.rebuilt_reason
    return cache


def _replay(run: _Run, kept: KeptReport | None) -> bool:
    """A run over the same posts and config as the last one: report what it reported, touch nothing.

    Every output file must still be what was published (the manifest's size and modification
    time): one deleted, truncated or overwritten makes this a full run, which writes it again.
    """
    if kept is None or set(kept.counts) != set(_COUNTED) or run.manifest.stamps is None:
        return False
    if run.options.owner is not None and run.manifest.owner != run.options.owner:
        # A folder taken over with --force, or a manifest from before owners were recorded: a full
        # run records the owner.
        return False
    if damaged(str(run.out_dir), kept.files, run.manifest.stamps):
        return False
    run.report.problems.extend(kept.problems)
    for name in _COUNTED:
        setattr(run.report, name, kept.counts[name])
    run.report.files_unchanged = len(kept.files)
    return True


def _replay_touched(run: _Run, changes: Changes, snapshot: str) -> bool:
    """Files were at most touched (a checkout, a copy), so every post's bytes are what the cache holds;
    if the run that last changed the cache finished, it wrote the output these bytes give: replay it."""
    if changes.todo or changes.gone:
        return False
    if not _replay(run, run.lifecycle.replayable_after_touch(_finish_mark(run.options))):
        return False
    for stamp in changes.touched:
        run.cache.restamp(stamp)
    run.lifecycle.keep_snapshot(snapshot)
    return True


def _load_unchanged(run: _Run, changes: Changes) -> dict[str, PostIndex]:
    # Imported past the replay: a no-op run imports no stage (see benchmarks/README.md, design notes).
    from .collect import load_unchanged

    return load_unchanged(run.cache, changes)


def _read_changed(
    run: _Run, changes: Changes, stamps: dict[str, FileStamp], loaded: dict[str, PostIndex]
) -> dict[str, PostIndex]:
    """New and changed files, and those whose cached index could not be read."""
    from .collect import read_changed

    todo = sorted([*changes.todo, *(key for key in changes.digests if key not in loaded)])
    run.report.posts_parsed = len(todo)
    return read_changed(todo, stamps, run.config, run.now, run.cache, run.jobs, run.options.progress, run.unread)


def _plan(results: list[PostIndex], config: Config, report: BuildReport) -> list[FeedSpec[EntryRef]] | None:
    """Every feed, once duplicate ids are rejected and the posts counted; None when too many posts failed."""
    from ..plan.duplicates import reject_duplicate_ids
    from ..plan.feeds import plan_feeds

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
    report.feeds = report.feeds_planned = len(specs)
    report.entries = len({e.id for p in posts for e in p.items})
    return specs


def _check_site_ids(run: _Run, specs: list[FeedSpec[EntryRef]]) -> Published:
    """The site feed's ids; a warning when most of them changed since the last build."""
    site_ids = published_ids(specs)
    warning = id_change_warning(run.manifest.site_ids, site_ids, run.config.base_url, str(run.out_dir))
    if warning is not None:
        run.report.problems.append(warning)
    return site_ids


def _stale_feeds(run: _Run, specs: list[FeedSpec[EntryRef]]) -> tuple[list[FeedSpec[EntryRef]], dict[str, str]]:
    """The feeds to render, and every feed's fingerprint."""
    from .publish import feed_files, stale_feeds

    previous = run.cache.feed_fingerprints()
    # A feed with a file that is not what was published is rendered and written again.
    names = {spec.path: feed_files(spec, run.config) for spec in specs if spec.path in previous}
    bad = damaged(str(run.out_dir), (n for files in names.values() for n in files), run.manifest.stamps)
    if bad:
        previous = {path: fp for path, fp in previous.items() if bad.isdisjoint(names.get(path, ()))}
    stale, fingerprints, run.report.files_unchanged = stale_feeds(
        specs, run.config, run.config_fp, previous, run.out_dir
    )
    return stale, fingerprints


def _fill_bodies(run: _Run, stale: list[FeedSpec[EntryRef]]) -> None:
    """The deferred Markdown of the articles that stale feeds hold, rendered into the cache."""
    from .collect import fill_bodies

    wanted = sorted({e.path for spec in stale for e in spec.entries})
    run.report.posts_reread = fill_bodies(run.cache.without_bodies(wanted), run.config, run.now, run.cache, run.jobs)
    # Bodies written by this run must be visible to the worker processes that render feeds.
    run.cache.commit()


def _publish(
    run: _Run, specs: list[FeedSpec[EntryRef]], stale: list[FeedSpec[EntryRef]], same_pages: bool, site_ids: Published
) -> list[str]:
    """Render the stale feeds and the pages, and publish them with the manifest, all or none; the site's files."""
    from ..render.pages import site_pages
    from .publish import feed_files, render_stale

    files = [name for spec in specs for name in feed_files(spec, run.config)]
    pages = site_pages(run.config)
    files.extend(name for name, _ in pages)
    writer = BatchWriter(run.out_dir)
    owed_before: list[str] | None = None
    try:
        tally = render_stale(stale, run.config, writer, run.cache, run.cache.path, run.jobs, run.options.progress)
        if same_pages and all((run.out_dir / name).is_file() for name, _ in pages):
            tally.unchanged += len(pages)
        else:
            for name, render in pages:
                run.report.pages_rendered += 1
                if writer.add(name, render(specs, run.config)):
                    tally.written += 1
                else:
                    tally.unchanged += 1
        _stage_manifest(run, writer, files, site_ids)
        owed_before = _owe_before_publishing(run, tally.changed_urls)
        writer.commit()
    except BaseException as exc:
        # Workers stage files of their own; those of batches whose results never arrived
        # (an error, a full disk, a signal) are known to no writer: sweep the folder for them,
        # then the writer removes the folders the batch made and left empty.
        remove_leftovers(run.out_dir)
        writer.discard()
        if owed_before is not None and isinstance(exc, PublishError) and not exc.unrestored:
            # Every file was put back: this run announced nothing because it published nothing. Should
            # that fail too, the hub is only told of feeds that did not change.
            with contextlib.suppress(OSError):
                announce.owe(run.out_dir, owed_before)
        raise
    finally:
        writer.discard()
    run.report.problems.extend(tally.problems)
    run.report.feeds_rendered = tally.rendered
    run.report.headers_read = tally.headers_read
    run.report.files_written = tally.written
    run.report.files_unchanged += tally.unchanged
    run.report.changed_feeds = tally.changed_urls
    return files


def _owe_before_publishing(run: _Run, changed_urls: list[str]) -> list[str] | None:
    """Record the feeds about to change as owed to the hub before any is renamed, since a run may die
    part-way; returns what was owed before, or None when nothing was recorded."""
    if run.options.announce is None or not changed_urls:
        return None
    before = announce.owed(run.out_dir)
    announce.owe(run.out_dir, [*before, *changed_urls])
    return before


def _announce(run: _Run, tell: Callable[[list[str]], tuple[list[Problem], list[str]]]) -> None:
    """Ping the hub for this run's changed feeds and those earlier runs could not announce."""
    before = announce.owed(run.out_dir)
    urls = list(dict.fromkeys([*before, *run.report.changed_feeds]))
    if not urls:
        return
    problems, left = tell(urls)
    run.report.problems.extend(problems)
    if left == before:
        return
    try:
        announce.owe(run.out_dir, left)
    except OSError as exc:
        # Everything is published; only what the hub took is not crossed off: the next run tells it again.
        where = str(run.out_dir / announce.STATE)
        note = f"cannot record what the WebSub hub was told ({exc.strerror or exc}); the next run tells it again"
        run.report.problems.append(Problem(where, note, "warning"))


def _stage_manifest(run: _Run, writer: BatchWriter, files: list[str], site_ids: Published) -> None:
    report, options = run.report, run.options
    now = Publication(files, site_ids, options.owner, report.posts_read, report.entries)
    report.problems.extend(stage_manifest(writer, run.out_dir, now, run.manifest, options.prune, options.allow_empty))


def _pages_fingerprint(specs: list[FeedSpec[EntryRef]], config_fp: str) -> str:
    """What index.html and feeds.opml show of the feeds: names, counts, dates and places.

    An edit that changes none of these (most edits of a post's text) leaves both pages as they are.
    """
    shown = [(s.path, s.kind, s.key, s.title, s.name, s.total, len(s.entries), s.updated) for s in specs]
    return hashlib.sha256(repr((config_fp, shown)).encode()).hexdigest()


def _page_names(config: Config) -> list[str]:
    """The pages every build publishes beside the feeds (index.html, feeds.opml, a stylesheet)."""
    from ..render.pages import site_pages

    return [name for name, _ in site_pages(config)]


# The counts a replayed run reports as the run it replays did.
_COUNTED = ("posts_found", "posts_read", "posts_rejected", "posts_skipped", "entries", "feeds")


def _counts(report: BuildReport) -> dict[str, int]:
    return {name: getattr(report, name) for name in _COUNTED}


def _snapshot(config_fp: str, stamps: dict[str, FileStamp], options: BuildOptions) -> str:
    """What a build's output depends on, short of reading the posts: config and every file's stat."""
    h = hashlib.sha256(repr((config_fp, options.prune, options.allow_empty)).encode())
    for key in sorted(stamps):
        stamp = stamps[key]
        h.update(f"{key}\0{stamp.size}\0{stamp.mtime_ns}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _finish_mark(options: BuildOptions) -> str:
    # --prune and --allow-empty shape output too, and are no part of the config the cache is keyed by.
    return f"prune={options.prune} allow_empty={options.allow_empty}"
