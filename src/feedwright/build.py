"""The whole pipeline, read → split → select → render → write, with its report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .config import Config
from .feeds import plan_feeds
from .markup import MarkdownRenderer, to_html
from .model import FeedSpec, Post, PostEntries, Problem
from .output import atomic_write, build_lock, remove_feed_files, remove_leftovers, write_if_changed
from .pages import OPML_FILENAME, render_index, render_opml
from .posts import find_post_files, read_post
from .render import RENDERERS
from .split import split_post

MANIFEST = ".feedwright-manifest.json"


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    prune: bool = False
    dry_run: bool = False
    now: datetime | None = None


@dataclass
class BuildReport:
    posts_found: int = 0
    posts_read: int = 0
    posts_rejected: int = 0
    posts_skipped: int = 0
    entries: int = 0
    feeds: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    aborted: str | None = None
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
    result = read_post(path, config, now, display=_display(path))
    if result.post is None:
        return PostResult(str(path), None, result.problems, result.skipped)
    entries = process_post(result.post, config, renderer)
    return PostResult(str(path), entries, (*result.problems, *entries.problems))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def collect(
    config: Config, now: datetime, progress: Callable[[int], None] | None = None
) -> tuple[list[PostResult], list[Problem], int]:
    """Read, mark up and split every post under the posts folder."""
    folder = config.posts_dir()
    if not folder.is_dir():
        return [], [Problem(str(folder), "posts folder does not exist (set 'posts' in the config or give --posts)")], 0
    files, problems = find_post_files(folder)
    renderer = MarkdownRenderer()
    results = []
    for path in files:
        results.append(process_file(path, config, now, renderer))
        if progress:
            progress(1)
    return results, problems, len(files)


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


def render_files(specs: Sequence[FeedSpec], config: Config) -> dict[str, bytes]:
    """Every file of the output folder, by its path under it."""
    files: dict[str, bytes] = {"index.html": render_index(specs, config), OPML_FILENAME: render_opml(specs, config)}
    for spec in specs:
        for fmt in config.formats:
            filename, renderer = RENDERERS[fmt]
            relative = f"{spec.path}/{filename}" if spec.path else filename
            files[relative] = renderer(spec, config)
    return files


def run_build(config: Config, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    now = options.now or datetime.now(UTC)
    out_dir = config.output_dir()
    with build_lock(out_dir, config.lock_timeout):
        remove_leftovers(out_dir)
        results, walk_problems, found = collect(config, now)
        results = reject_duplicate_ids(results)
        report.problems.extend(walk_problems)
        report.posts_found = found
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
            report.seconds = time.perf_counter() - started
            return report
        posts = [r.entries for r in results if r.entries is not None]
        specs = plan_feeds(posts, config)
        report.feeds = len(specs)
        report.entries = len({e.id for p in posts for e in p.items})
        files = render_files(specs, config)
        if not options.dry_run:
            _write(out_dir, files, report, options.prune)
    report.seconds = time.perf_counter() - started
    return report


def _write(out_dir: Path, files: dict[str, bytes], report: BuildReport, prune: bool) -> None:
    previous = _read_manifest(out_dir)
    for relative in sorted(files):
        if write_if_changed(out_dir, relative, files[relative]):
            report.files_written += 1
        else:
            report.files_unchanged += 1
    gone = sorted(set(previous) - set(files))
    kept = []
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
    manifest = json.dumps({"files": sorted([*files, *kept])}, ensure_ascii=False, indent=1) + "\n"
    atomic_write(out_dir / MANIFEST, manifest.encode("utf-8"))


def _read_manifest(out_dir: Path) -> list[str]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []
