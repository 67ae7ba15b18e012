"""FeedSpecs → staged files: render only the feeds whose inputs changed, in worker processes.

A feed's fingerprint covers the config, its own fields and each entry's header and
source hash; when it matches the last build's and the files exist, the feed is not
rendered at all. Workers read entry bodies from the cache themselves and stage
their files as temporary files; the main process then publishes them all at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BodyReader
from .collect import Where
from .config import Config
from .model import Entry, FeedSpec
from .output import BatchWriter
from .render import RENDERERS
from .urls import ARCHIVE_FORMATS, feed_file
from .workers import worker_pool

# Below this many feeds to render, worker processes cost more than they save.
PARALLEL_MIN = 64
BodySource = Callable[[str, int], tuple[str, str]]


@dataclass
class RenderTally:
    """What the render stage did, for the build report."""

    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    changed_urls: list[str] = field(default_factory=list)


def formats(spec: FeedSpec, config: Config) -> list[str]:
    if spec.kind == "archive":
        return [fmt for fmt in config.formats if fmt in ARCHIVE_FORMATS]
    return list(config.formats)


def feed_files(spec: FeedSpec, config: Config) -> list[str]:
    return [feed_file(spec.path, fmt) for fmt in formats(spec, config)]


def feed_fingerprint(spec: FeedSpec, config_fp: str, entry_prints: dict[tuple[str, int], str]) -> str:
    h = hashlib.sha256()
    h.update(repr((config_fp, spec.path, spec.kind, spec.title, spec.description, spec.total, spec.links)).encode())
    for e in spec.entries:
        h.update(entry_prints[(e.post_id, e.index)].encode())
    return h.hexdigest()


def _entry_prints(specs: list[FeedSpec], where: Where) -> dict[tuple[str, int], str]:
    """One fingerprint per entry, computed once though the entry sits in several feeds."""
    prints: dict[tuple[str, int], str] = {}
    for spec in specs:
        for e in spec.entries:
            key = (e.post_id, e.index)
            if key not in prints:
                digest = where.get(key, ("", ""))[1]
                text = repr((e.id, e.title, e.link, e.published, e.updated, e.tags, e.categories, digest))
                prints[key] = hashlib.sha256(text.encode()).hexdigest()
    return prints


class Bodies:
    """Summaries and HTML of entries, remembered while feeds that share entries render."""

    def __init__(self, source: BodySource | None, where: Where) -> None:
        self._source = source
        self._where = where
        self._memo: dict[tuple[str, int], tuple[str, str]] = {}

    def fill(self, entry: Entry) -> Entry:
        if self._source is None:
            return entry
        key = (entry.post_id, entry.index)
        if key not in self._memo:
            if len(self._memo) > 5000:
                self._memo.clear()
            path = self._where.get(key, ("", ""))[0]
            self._memo[key] = self._source(path, entry.index)
        summary, html = self._memo[key]
        return dataclasses.replace(entry, summary=summary, content_html=html)


def stale_feeds(
    specs: list[FeedSpec], config: Config, config_fp: str, where: Where, previous: dict[str, str], out_dir: Path
) -> tuple[list[FeedSpec], dict[str, str], int]:
    """The feeds to render, every feed's fingerprint, and how many files need no work."""
    stale: list[FeedSpec] = []
    fingerprints: dict[str, str] = {}
    unchanged = 0
    entry_prints = _entry_prints(specs, where)
    folder = f"{out_dir}{os.sep}"
    for spec in specs:
        names = feed_files(spec, config)
        fingerprint = feed_fingerprint(spec, config_fp, entry_prints)
        fingerprints[spec.path] = fingerprint
        if previous.get(spec.path) == fingerprint and all(os.path.isfile(folder + n) for n in names):
            unchanged += len(names)
        else:
            stale.append(spec)
    return stale, fingerprints, unchanged


def _render_into(
    specs: list[FeedSpec], config: Config, bodies: Bodies, writer: BatchWriter
) -> list[tuple[str, bool, str]]:
    """Render and stage each feed; (file, staged because changed, its URL) per file."""
    out: list[tuple[str, bool, str]] = []
    for spec in specs:
        full = dataclasses.replace(spec, entries=tuple(bodies.fill(e) for e in spec.entries))
        for fmt, name in zip(formats(spec, config), feed_files(spec, config), strict=True):
            out.append((name, writer.add(name, RENDERERS[fmt][1](full, config)), spec.self_urls[fmt]))
    return out


def _render_batch(
    job: tuple[list[FeedSpec], Config, Where, str, str],
) -> tuple[list[tuple[str, bool, str]], list[tuple[str, Path]]]:
    """In a worker: render a batch of feeds, reading bodies from the cache; hand back the staged files."""
    specs, config, where, cache_file, out_dir = job
    reader = BodyReader(Path(cache_file))
    writer = BatchWriter(Path(out_dir))
    try:
        results = _render_into(specs, config, Bodies(reader.body, where), writer)
        return results, writer.take()
    except BaseException:
        writer.discard()
        raise
    finally:
        reader.close()


def _batches(specs: list[FeedSpec], jobs: int) -> Iterator[list[FeedSpec]]:
    """Batches of similar work: big feeds (site, archives) spread out, tag feeds in chunks."""
    size = max(16, min(256, len(specs) // (jobs * 4) or 16))
    for start in range(0, len(specs), size):
        yield specs[start : start + size]


def render_stale(
    stale: list[FeedSpec],
    config: Config,
    where: Where,
    writer: BatchWriter,
    source: BodySource | None,
    cache_file: Path | None,
    jobs: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> RenderTally:
    """Render the stale feeds into `writer`, in worker processes when there are enough of them.

    Workers need the cache on disk to read bodies from; without one, the work stays here.
    """
    tally = RenderTally(rendered=len(stale))
    results: list[tuple[str, bool, str]] = []
    if jobs > 1 and cache_file is not None and len(stale) >= PARALLEL_MIN:
        done = 0
        with worker_pool(jobs) as pool:
            jobs_iter = (
                (batch, config, _where_for(batch, where), str(cache_file), str(writer.out_dir))
                for batch in _batches(stale, jobs)
            )
            for batch_results, staged in pool.map(_render_batch, jobs_iter):
                writer.adopt(staged)
                results.extend(batch_results)
                done += len({name.rsplit("/", 1)[0] for name, _, _ in batch_results})
                if progress is not None:
                    progress("feeds", min(done, len(stale)), len(stale))
    else:
        bodies = Bodies(source, where)
        for done, spec in enumerate(stale, 1):
            results.extend(_render_into([spec], config, bodies, writer))
            if progress is not None:
                progress("feeds", done, len(stale))
    for _, written, url in results:
        if written:
            tally.written += 1
            tally.changed_urls.append(url)
        else:
            tally.unchanged += 1
    return tally


def _where_for(specs: list[FeedSpec], where: Where) -> Where:
    keys = {(e.post_id, e.index) for spec in specs for e in spec.entries}
    return {k: where[k] for k in keys if k in where}
