"""The whole pipeline, read → split → select → render → write, with its report.

Per post, the work (read, Markdown, split) runs in worker processes and its result
is kept in the cache; the main process holds only each entry's header (no HTML) so
memory stays bounded, and fetches the HTML of just the entries a changed feed holds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .cache import Cache, FileStamp, dumps, loads
from .config import Config
from .feeds import plan_feeds
from .markup import MarkdownRenderer, to_html
from .model import Entry, FeedSpec, Post, PostEntries, Problem
from .output import BatchWriter, atomic_write, build_lock, remove_feed_files, remove_leftovers
from .pages import OPML_FILENAME, render_index, render_opml
from .posts import find_post_files, read_post
from .render import RENDERERS
from .render.urls import ARCHIVE_FORMATS, feed_file
from .split import split_post

MANIFEST = ".feedwright-manifest.json"
# Below this many posts to process, starting worker processes costs more than it saves.
_PARALLEL_MIN = 48


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    prune: bool = False
    dry_run: bool = False
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


@dataclass(frozen=True)
class PostResult:
    """One file after read, markup and split: its entries or why it has none."""

    path: str
    entries: PostEntries | None
    problems: tuple[Problem, ...]
    skipped: str | None = None


def process_post(post: Post, config: Config, renderer: MarkdownRenderer) -> PostEntries:
    html = to_html(renderer, post.body, post.permalink, config.sanitize)
    return split_post(post, html, config)


def process_file(path: Path, config: Config, now: datetime, renderer: MarkdownRenderer) -> PostResult:
    result = read_post(path, config, now, display=display_path(path))
    if result.post is None:
        return PostResult(str(path), None, result.problems, result.skipped)
    entries = process_post(result.post, config, renderer)
    return PostResult(str(path), entries, (*result.problems, *entries.problems))


def display_path(path: Path) -> str:
    """The path as the person running the build can open it: relative to here when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# --- worker processes -------------------------------------------------------------------------


def _work(job: tuple[list[str], Config, datetime]) -> list[tuple[str, str, PostResult]]:
    """One batch in a worker process; one Markdown instance serves the whole batch."""
    paths, config, now = job
    renderer = MarkdownRenderer()
    return [(p, _digest(Path(p)), process_file(Path(p), config, now, renderer)) for p in paths]


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _process_all(paths: list[str], config: Config, now: datetime, jobs: int) -> Iterator[tuple[str, str, PostResult]]:
    """Process posts, in worker processes when there are enough; results in input order."""
    if jobs <= 1 or len(paths) < _PARALLEL_MIN:
        renderer = MarkdownRenderer()
        for p in paths:
            yield p, _digest(Path(p)), process_file(Path(p), config, now, renderer)
        return
    size = max(8, min(64, len(paths) // (jobs * 8) or 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for batch in pool.map(_work, ((chunk, config, now) for chunk in _chunks(paths, size))):
            yield from batch


# --- the build ----------------------------------------------------------------------------------


def config_fingerprint(config: Config) -> str:
    """Everything that shapes output besides the posts: the config and feedwright's version."""
    text = repr((__version__, dataclasses.replace(config, root=Path("."))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(config: Config) -> Path:
    """One cache per output folder, kept outside it so the web server never serves it."""
    out = str(config.output_dir())
    name = hashlib.sha256(out.encode("utf-8")).hexdigest()[:16]
    return config.root.resolve() / ".feedwright-cache" / f"{name}.sqlite"


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


def scan(config: Config) -> tuple[dict[str, FileStamp], list[Problem]]:
    """Every post file under the posts folder with its stat, and problems of the walk."""
    folder = config.posts_dir()
    if not folder.is_dir():
        return {}, [Problem(str(folder), "posts folder does not exist (set 'posts' in the config or give --posts)")]
    files, problems = find_post_files(folder)
    stamps: dict[str, FileStamp] = {}
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        stamps[str(path)] = FileStamp(str(path), st.st_size, st.st_mtime_ns)
    return stamps, problems


def collect(
    config: Config,
    now: datetime,
    cache: Cache | None = None,
    jobs: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    scanned: tuple[dict[str, FileStamp], list[Problem]] | None = None,
) -> tuple[list[PostResult], list[Problem], int, dict[tuple[str, int], tuple[str, str]], int]:
    """Read, mark up and split every post, reusing the cache for files that did not change.

    Returns the results (headers only when a cache holds the bodies), problems of the
    walk, the number of files, where each entry's body lives ((post id, index) →
    (path, digest)), and how many files were parsed anew.
    """
    stamps, problems = scanned if scanned is not None else scan(config)
    known = cache.stamps() if cache else {}
    blobs: dict[str, bytes] = {}
    todo: list[str] = []
    digests: dict[str, str] = {}
    fresh: list[str] = []
    for key, stamp in stamps.items():
        cached = known.get(key)
        if cached is not None and cached[:2] == (stamp.size, stamp.mtime_ns):
            fresh.append(key)
            digests[key] = cached[2]
        elif cached is not None and cached[0] == stamp.size and _digest(Path(key)) == cached[2]:
            # Touched but not changed (a checkout, a copy): same bytes, same result.
            assert cache is not None
            cache.restamp(stamp)
            fresh.append(key)
            digests[key] = cached[2]
        else:
            todo.append(key)
    if cache is not None:
        blobs = cache.load_results(fresh)
        cache.forget(set(known) - set(stamps))
    results: dict[str, PostResult] = {}
    for key in fresh:
        blob = blobs.get(key)
        if blob is None:
            todo.append(key)
            continue
        results[key] = loads(blob)  # type: ignore[assignment]
    for done, (key, digest, result) in enumerate(_process_all(sorted(todo), config, now, jobs), 1):
        if progress is not None:
            progress("posts", done, len(todo))
        digests[key] = digest
        if cache is None:
            results[key] = result
            continue
        header, bodies = _strip(result)
        if result.skipped != "future":
            # A post dated in the future must be read again later: its day will come.
            cache.store(stamps[key], digest, dumps(header), bodies)
        else:
            cache.forget([key])
        results[key] = header
    ordered = [results[key] for key in sorted(results)]
    where: dict[tuple[str, int], tuple[str, str]] = {}
    for result in ordered:
        if result.entries is not None:
            for entry in (result.entries.article, *result.entries.items):
                where[(entry.post_id, entry.index)] = (result.path, digests.get(result.path, ""))
    return ordered, problems, len(stamps), where, len(todo)


def reject_duplicate_ids(results: list[PostResult]) -> list[PostResult]:
    """Two posts with one id would be one entry to readers: keep the first file, reject the second."""
    owner: dict[str, str] = {}
    kept: list[PostResult] = []
    for result in results:
        if result.entries is None:
            kept.append(result)
            continue
        ids = {result.entries.article.id, *(e.id for e in result.entries.items)}
        clash = next((owner[i] for i in sorted(ids) if i in owner), None)
        if clash is not None:
            source = result.entries.article.source
            problem = Problem(
                source,
                f"has the same id/permalink as {clash} ({result.entries.article.id}); give one of them"
                " its own 'permalink' or 'slug'",
            )
            kept.append(PostResult(result.path, None, (*result.problems, problem)))
            continue
        for i in ids:
            owner[i] = result.entries.article.source
        kept.append(result)
    return kept


def _formats(spec: FeedSpec, config: Config) -> list[str]:
    if spec.kind == "archive":
        return [fmt for fmt in config.formats if fmt in ARCHIVE_FORMATS]
    return list(config.formats)


def _feed_files(spec: FeedSpec, config: Config) -> list[str]:
    return [feed_file(spec.path, fmt) for fmt in _formats(spec, config)]


def _feed_fingerprint(spec: FeedSpec, config_fp: str, where: dict[tuple[str, int], tuple[str, str]]) -> str:
    h = hashlib.sha256()
    h.update(repr((config_fp, spec.path, spec.kind, spec.title, spec.description, spec.total, spec.links)).encode())
    for e in spec.entries:
        digest = where.get((e.post_id, e.index), ("", ""))[1]
        h.update(repr((e.id, e.title, e.link, e.published, e.updated, e.tags, e.categories, digest)).encode())
    return h.hexdigest()


class _Bodies:
    """Summaries and HTML fetched from the cache, remembered while feeds that share entries render."""

    def __init__(self, cache: Cache | None, where: dict[tuple[str, int], tuple[str, str]]) -> None:
        self._cache = cache
        self._where = where
        self._memo: dict[tuple[str, int], tuple[str, str]] = {}

    def fill(self, entry: Entry) -> Entry:
        if self._cache is None:
            return entry
        key = (entry.post_id, entry.index)
        if key not in self._memo:
            if len(self._memo) > 5000:
                self._memo.clear()
            path = self._where.get(key, ("", ""))[0]
            self._memo[key] = self._cache.body(path, entry.index)
        summary, html = self._memo[key]
        return dataclasses.replace(entry, summary=summary, content_html=html)


def run_build(config: Config, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    now = options.now or datetime.now(UTC)
    out_dir = config.output_dir()
    jobs = options.jobs or os.cpu_count() or 1
    with build_lock(out_dir, config.lock_timeout):
        remove_leftovers(out_dir)
        config_fp = config_fingerprint(config)
        cache = _open_cache(config, config_fp, options, report)
        try:
            _build(config, options, now, jobs, cache, config_fp, out_dir, report)
        finally:
            cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _open_cache(config: Config, config_fp: str, options: BuildOptions, report: BuildReport) -> Cache:
    path = None if options.dry_run else cache_path(config)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if options.no_cache:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            path = None
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
) -> None:
    scanned = scan(config)
    snapshot = _snapshot(config_fp, scanned[0], options)
    if _replay(cache, snapshot, out_dir, report):
        return
    results, walk_problems, found, where, parsed = collect(config, now, cache, jobs, options.progress, scanned)
    results = reject_duplicate_ids(results)
    report.problems.extend(walk_problems)
    report.posts_found = found
    report.posts_parsed = parsed
    for result in results:
        report.problems.extend(result.problems)
        if result.skipped:
            report.posts_skipped += 1
        elif result.entries is None:
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
        return
    posts = [r.entries for r in results if r.entries is not None]
    specs = plan_feeds(posts, config)
    report.feeds = len(specs)
    report.entries = len({e.id for p in posts for e in p.items})
    if options.dry_run:
        return
    previous = cache.feed_fingerprints()
    fingerprints: dict[str, str] = {}
    bodies = _Bodies(cache, where)
    writer = BatchWriter(out_dir)
    try:
        files = _render_changed(
            specs, config, config_fp, where, previous, fingerprints, bodies, writer, report, options.progress
        )
        writer.commit()
    finally:
        writer.discard()
    _settle_manifest(out_dir, files, report, options.prune)
    cache.set_feed_fingerprints(fingerprints)
    # A post waiting for its date must be looked at again on every run, so such a site is never replayed.
    waiting = any(r.skipped == "future" for r in results)
    cache.set_meta("snapshot", "" if waiting else snapshot)
    cache.set_meta("report", dumps((report.problems, _counts(report), sorted(files))).hex())
    cache.commit()


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


def _replay(cache: Cache, snapshot: str, out_dir: Path, report: BuildReport) -> bool:
    """A run over exactly the files and config of the last one: report what it reported, touch nothing.

    Every output file must still be there; one deleted by hand makes this a full run again.
    """
    if cache.get_meta("snapshot") != snapshot:
        return False
    try:
        problems, counts, files = loads(bytes.fromhex(cache.get_meta("report") or ""))  # type: ignore[misc]
    except (ValueError, TypeError, EOFError, pickle.UnpicklingError):
        return False
    if not all((out_dir / name).is_file() for name in files):
        return False
    report.problems.extend(problems)
    for name, value in zip(_COUNTED, counts, strict=True):
        setattr(report, name, value)
    report.files_unchanged = len(files)
    return True


def _render_changed(
    specs: list[FeedSpec],
    config: Config,
    config_fp: str,
    where: dict[tuple[str, int], tuple[str, str]],
    previous: dict[str, str],
    fingerprints: dict[str, str],
    bodies: _Bodies,
    writer: BatchWriter,
    report: BuildReport,
    progress: Callable[[str, int, int], None] | None,
) -> list[str]:
    """Render the feeds whose inputs changed (or whose files are missing); return every file's name."""
    out_dir = writer.out_dir
    files: list[str] = []
    for done, spec in enumerate(specs, 1):
        if progress is not None:
            progress("feeds", done, len(specs))
        names = _feed_files(spec, config)
        files.extend(names)
        fingerprint = _feed_fingerprint(spec, config_fp, where)
        fingerprints[spec.path] = fingerprint
        if previous.get(spec.path) == fingerprint and all((out_dir / n).is_file() for n in names):
            report.files_unchanged += len(names)
            continue
        report.feeds_rendered += 1
        full = dataclasses.replace(spec, entries=tuple(bodies.fill(e) for e in spec.entries))
        for fmt, name in zip(_formats(spec, config), names, strict=True):
            written = writer.add(name, RENDERERS[fmt][1](full, config))
            _count(report, written)
            if written:
                report.changed_feeds.append(spec.self_urls[fmt])
    for name, data in (("index.html", render_index(specs, config)), (OPML_FILENAME, render_opml(specs, config))):
        files.append(name)
        _count(report, writer.add(name, data))
    return files


def _count(report: BuildReport, written: bool) -> None:
    if written:
        report.files_written += 1
    else:
        report.files_unchanged += 1


def _settle_manifest(out_dir: Path, files: list[str], report: BuildReport, prune: bool) -> None:
    """Feeds that existed last time but not now are kept (and reported) unless pruning."""
    previous = _read_manifest(out_dir)
    gone = sorted(set(previous) - set(files))
    kept: list[str] = []
    if gone and prune:
        remove_feed_files(out_dir, gone)
    elif gone:
        kept = gone
        folders = sorted({str(Path(g).parent) for g in gone})
        report.problems.append(
            Problem(
                str(out_dir),
                f"{len(folders)} feed(s) no longer have entries and were kept as they were"
                f" ({', '.join(folders[:5])}{' …' if len(folders) > 5 else ''}); run with --prune to delete them",
                "warning",
            )
        )
    manifest = json.dumps({"files": sorted({*files, *kept})}, ensure_ascii=False, indent=1) + "\n"
    atomic_write(out_dir / MANIFEST, manifest.encode("utf-8"))


def _read_manifest(out_dir: Path) -> list[str]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []
