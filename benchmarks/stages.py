"""Where a cold build's work goes: each stage of the pipeline timed alone, in one process.

    python benchmarks/stages.py CONFIG [--limit N]

CONFIG is a feedwright config (a benchmark site's `config.yaml`, or the project's own). Every post is
read, rendered and split with the stages' own functions (as `feedwright.pipeline` chains them), the
feeds are planned as a build plans them, and every feed is rendered (not written), one stage after
the other, so each figure is the CPU a build spends on that stage whatever the number of workers.
The Markdown is timed for every post, as the floor renders it, and for the posts a build must
render: digests, and the articles some feed holds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from feedwright.commonmark import renderer_for
from feedwright.config import load_config
from feedwright.model import Post
from feedwright.pipeline import PostResult, index_of
from feedwright.plan.feeds import plan_feeds
from feedwright.read import read_post
from feedwright.render import feed_set
from feedwright.split.article import split_post, wants_split
from feedwright.text import strip_xml_forbidden

T = TypeVar("T")


def _posts(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.md")):
        if path.is_file():
            yield path


def timed(label: str, rows: list[tuple[str, float]], work: Callable[[], T]) -> T:
    start = time.process_time()
    result = work()
    rows.append((label, time.process_time() - start))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N posts (by path)")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    paths = list(_posts(config.posts_dir()))
    if args.limit:
        paths = paths[: args.limit]
    now = datetime.now(UTC)
    renderer = renderer_for(config)
    sanitizer = renderer.sanitizer(config.sanitize)
    rows: list[tuple[str, float]] = []

    read = timed("read + front matter (read_post)", rows, lambda: [read_post(p, config, now) for p in paths])
    posts = [r.post for r in read if r.post is not None]
    digests = [p for p in posts if wants_split(p, config)]
    articles = [p for p in posts if not wants_split(p, config)]

    def markdown(some: list[Post]) -> list[str]:
        return [renderer.render(p.body) for p in some]

    digest_html = timed("Markdown: digests", rows, lambda: markdown(digests))
    article_html = timed("Markdown: articles, all", rows, lambda: markdown(articles))

    def finish(some: list[Post], html: list[str]) -> list[str]:
        pairs = zip(some, html, strict=True)
        return [strip_xml_forbidden(sanitizer.clean_html(h, p.permalink))[0] for p, h in pairs]

    digest_html = timed("absolutize + sanitize: digests", rows, lambda: finish(digests, digest_html))
    article_html = timed("absolutize + sanitize: articles", rows, lambda: finish(articles, article_html))
    pairs = list(zip(digests, digest_html, strict=True))
    split = timed("split digests into items", rows, lambda: [split_post(p, h, config) for p, h in pairs])
    entries = split + [split_post(p, h, config) for p, h in zip(articles, article_html, strict=True)]
    indexes = [index_of(PostResult(pe.article.source, (), None, pe)) for pe in entries]
    specs = timed("plan every feed", rows, lambda: plan_feeds(indexes, config))
    in_feeds = {(ref.path, ref.index) for spec in specs for ref in spec.entries}
    needed = [p for p in articles if (p.rel_path, 0) in in_feeds]
    timed("Markdown: articles some feed holds", rows, lambda: markdown(needed))
    by_ref = {(e.source, e.index): e for pe in entries for e in (pe.article, *pe.items)}

    def render() -> int:
        size = 0
        for spec in specs:
            full = spec.filled(tuple(by_ref[(r.path, r.index)] for r in spec.entries))
            size += sum(len(data) for _, _, data in feed_set(full, config))
        return size

    written = timed(f"render {len(specs):,} feeds (not written)", rows, render)
    floor = rows[0][1] + rows[1][1] + rows[2][1]
    print(f"{len(paths):,} posts: {len(digests):,} digests, {len(articles):,} articles")
    print(f"articles some feed holds: {len(needed):,} ({len(needed) / max(len(articles), 1):.0%})")
    items = [e for pe in split for e in pe.items]
    held = sum((e.source, e.index) in in_feeds for e in items)
    print(f"digest items: {len(items):,}, of which some feed holds {held:,} ({held / max(len(items), 1):.0%})")
    print(f"feed bytes rendered: {written / 1e6:,.1f} MB\n")
    print("| stage | CPU s | × floor CPU |")
    print("| --- | ---: | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {seconds / floor:.2f} |")
    print(f"\n(floor CPU here = read + Markdown of every post = {floor:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
