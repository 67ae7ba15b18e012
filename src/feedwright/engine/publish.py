"""FeedSpecs → staged files: render only the feeds whose inputs changed, in worker processes.

A feed's fingerprint covers the config, its own fields and each entry's print (its
header and source hash); when it matches the last build's and the files exist, the
feed is not rendered at all. Only then are its entries read in full: workers read
headers and bodies from the cache themselves and stage their files as temporary
files; the main process then publishes them all at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..config import Config
from ..model import Entry, EntryRef, FeedSpec, PostEntries, Problem
from ..render import formats, render_feed_set
from ..render.pages import has_page, page_file
from ..render.urls import feed_file
from ..split.article import with_body_image
from ..write.atomic import BatchWriter
from .cache import BodyReader
from .workers import Batching, run_batches

# Feeds to render: below 64, worker processes cost more than they save. Big feeds (site, archives)
# come first in the plan, so batches of similar work spread them out, and tag feeds go in chunks.
FEED_BATCHES = Batching(least=64, per_worker=4, smallest=16, largest=256)


class EntrySource(Protocol):
    """Where full entries are read from: the cache, or a read-only view of it in a worker."""

    def header(self, path: str) -> object: ...

    def body(self, path: str, idx: int) -> tuple[str, str]: ...


@dataclass
class RenderTally:
    """What the render stage did, for the build report."""

    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    headers_read: int = 0
    changed_urls: list[str] = field(default_factory=list)
    # Feeds the byte budget cut (render/budget.py), one warning each.
    problems: list[Problem] = field(default_factory=list)


def feed_files(spec: FeedSpec[EntryRef], config: Config) -> list[str]:
    """A feed set's files: one per format, and its page (render/pages.py)."""
    names = [feed_file(spec.path, fmt) for fmt in formats(spec, config)]
    return [*names, page_file(spec.path)] if has_page(spec) else names


def feed_fingerprint(spec: FeedSpec[EntryRef], config_fp: str) -> str:
    h = hashlib.sha256()
    h.update(repr((config_fp, spec.path, spec.kind, spec.title, spec.description, spec.total, spec.links)).encode())
    for e in spec.entries:
        h.update(e.fingerprint)
    return h.hexdigest()


class Entries:
    """Full entries for refs, read from the cache; headers remembered while feeds that share posts render."""

    def __init__(self, source: EntrySource) -> None:
        self._source = source
        self._headers: dict[str, PostEntries] = {}
        # How many headers were read from the source, for the build report.
        self.headers_read = 0

    def full(self, ref: EntryRef) -> Entry:
        header = self._headers.get(ref.path)
        if header is None:
            if len(self._headers) > 5000:
                self._headers.clear()
            found = self._source.header(ref.path)
            self.headers_read += 1
            if not isinstance(found, PostEntries):
                raise LookupError(f"{ref.path}: not in the cache")
            header = self._headers[ref.path] = found
        entry = header.article if ref.index == 0 else next(e for e in header.items if e.index == ref.index)
        summary, html = self._source.body(ref.path, ref.index)
        entry = dataclasses.replace(entry, summary=summary, content_html=html)
        # A deferred article's header was made before its Markdown was rendered: its picture
        # is the first of its body when the front matter names none, as split.article_entry does.
        return with_body_image(entry) if ref.index == 0 else entry


def stale_feeds(
    specs: list[FeedSpec[EntryRef]], config: Config, config_fp: str, previous: dict[str, str], out_dir: Path
) -> tuple[list[FeedSpec[EntryRef]], dict[str, str], int]:
    """The feeds to render, every feed's fingerprint, and how many files need no work."""
    stale: list[FeedSpec[EntryRef]] = []
    fingerprints: dict[str, str] = {}
    unchanged = 0
    folder = f"{out_dir}{os.sep}"
    for spec in specs:
        names = feed_files(spec, config)
        fingerprint = feed_fingerprint(spec, config_fp)
        fingerprints[spec.path] = fingerprint
        if previous.get(spec.path) == fingerprint and all(os.path.isfile(folder + n) for n in names):
            unchanged += len(names)
        else:
            stale.append(spec)
    return stale, fingerprints, unchanged


def _render_into(
    specs: list[FeedSpec[EntryRef]], config: Config, entries: Entries, writer: BatchWriter, problems: list[Problem]
) -> list[tuple[str, bool, str]]:
    """Render and stage each feed; (file, staged because changed, its URL) per file."""
    out: list[tuple[str, bool, str]] = []
    for spec in specs:
        full = spec.filled(tuple(entries.full(e) for e in spec.entries))
        files, found = render_feed_set(full, config)
        problems.extend(found)
        for fmt, name, data in files:
            # A feed's page is no feed: no hub is told of it ('' for no URL).
            out.append((name, writer.add(name, data), spec.self_urls.get(fmt, "")))
    return out


def _render_batch(
    specs: list[FeedSpec[EntryRef]], context: tuple[Config, str, str]
) -> tuple[list[tuple[str, bool, str]], list[tuple[str, Path]], int, list[Problem]]:
    """In a worker: render a batch of feeds, reading entries from the cache.

    Hands back each file's result, the staged files, how many headers were read and the warnings.
    """
    config, cache_file, out_dir = context
    reader = BodyReader(Path(cache_file))
    writer = BatchWriter(Path(out_dir))
    entries = Entries(reader)
    problems: list[Problem] = []
    try:
        results = _render_into(specs, config, entries, writer, problems)
        return results, writer.take(), entries.headers_read, problems
    except BaseException:
        writer.discard()
        raise
    finally:
        reader.close()


def render_stale(
    stale: list[FeedSpec[EntryRef]],
    config: Config,
    writer: BatchWriter,
    source: EntrySource,
    cache_file: Path | None,
    jobs: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> RenderTally:
    """Render the stale feeds into `writer`, in worker processes when there are enough of them.

    Workers need the cache on disk to read entries from; without one, the work stays here.
    """
    tally = RenderTally(rendered=len(stale))
    results: list[tuple[str, bool, str]] = []
    if cache_file is not None and FEED_BATCHES.wanted(len(stale), jobs):
        # The folders the workers will make belong to this batch: removed again if it is not published.
        writer.expect(name for spec in stale for name in feed_files(spec, config))
        done = 0
        context = (config, str(cache_file), str(writer.out_dir))
        for batch_results, staged, headers_read, problems in run_batches(
            _render_batch, stale, context, jobs, FEED_BATCHES
        ):
            writer.adopt(staged)
            tally.headers_read += headers_read
            tally.problems.extend(problems)
            results.extend(batch_results)
            done += len({name.rsplit("/", 1)[0] for name, _, _ in batch_results})
            if progress is not None:
                progress("feeds", min(done, len(stale)), len(stale))
    else:
        entries = Entries(source)
        for done, spec in enumerate(stale, 1):
            results.extend(_render_into([spec], config, entries, writer, tally.problems))
            if progress is not None:
                progress("feeds", done, len(stale))
        tally.headers_read = entries.headers_read
    for _, written, url in results:
        if written:
            tally.written += 1
            if url:
                tally.changed_urls.append(url)
        else:
            tally.unchanged += 1
    return tally
