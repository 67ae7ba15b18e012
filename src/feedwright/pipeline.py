"""The stages end to end, with no cache: read → mark up → split → plan → render, for a post or a site.

This is what feedwright builds, stated once and plainly: `show` and `check` use it, so does
benchmarks/stages.py, and the tests hold every incremental build (engine/) to its output.
Nothing here remembers anything between calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .commonmark import renderer_for
from .config import Config
from .generators import SiteRules, rules_for
from .markup import MarkupError, Renderer, plain_text_html, to_html
from .model import Entry, EntryRef, Post, PostEntries, PostIndex, Problem, author_names
from .plan.content import with_post_mode
from .plan.duplicates import reject_duplicate_ids
from .plan.feeds import plan_feeds
from .read import ReadResult, display_path, walk_posts
from .read.gitdates import with_git_dates
from .read.post import read_with
from .read.select import selection
from .render import render_feed_set
from .render.pages import site_pages
from .split.article import split_post
from .split.more import cut_more, mark_more, separators
from .split.summary import html_to_text
from .syntax import preprocess, removed_warning
from .text import clean_summary


def post_entries(post: Post, config: Config, renderer: Renderer) -> PostEntries:
    """Mark up and split one read post: the whole article, and the entries of the site feeds.

    Markdown that cannot be rendered within the limits is published as its plain text, with a
    warning: the post stays in the feeds it belongs to, and no run stalls on it. A post whose
    front matter says `content: summary` has summary entries only.
    """
    return with_post_mode(_post_entries(post, config, renderer), post.extra, config)


def _post_entries(post: Post, config: Config, renderer: Renderer) -> PostEntries:
    body, removed = preprocess(post.body, post, config)
    found = removed_warning(post, removed, config)
    syntax = (found,) if found is not None else ()
    marked = mark_more(body, separators(post.extra, config))
    try:
        html = to_html(renderer, marked or body, post.permalink, config.sanitize, config.limits.render_seconds)
    except MarkupError as exc:
        entries = split_post(post, plain_text_html(body), config)
        warning = Problem(post.rel_path, f"{exc}; published as plain text", "warning")
        return replace(entries, problems=(*entries.problems, *syntax, warning))
    if marked is not None:
        html, above = cut_more(html)
        post = replace(post, summary=clean_summary(html_to_text(above)) or post.summary)
    entries = split_post(post, html, config)
    return replace(entries, problems=(*entries.problems, *syntax)) if syntax else entries


@dataclass(frozen=True)
class PostResult:
    """One post file through read, mark up and split: its entries, or why it has none."""

    path: str
    problems: tuple[Problem, ...]
    skipped: str | None = None
    entries: PostEntries | None = None


def read_and_split(
    path: Path,
    config: Config,
    now: datetime,
    renderer: Renderer,
    display: str | None = None,
    rules: SiteRules | None = None,
) -> PostResult:
    read: ReadResult = read_with(path, rules or rules_for(config), now, display=display)
    if read.post is None:
        return PostResult(str(path), read.problems, read.skipped)
    entries = post_entries(read.post, config, renderer)
    return PostResult(str(path), (*read.problems, *entries.problems), None, entries)


def index_of(result: PostResult) -> PostIndex:
    """What planning needs of a post (the engine keeps the same, with fingerprints, in its cache)."""
    if result.entries is None:
        return PostIndex(result.path, result.problems, result.skipped)
    article = _ref(result.entries.article, result.path)
    items = tuple(article if e is result.entries.article else _ref(e, result.path) for e in result.entries.items)
    return PostIndex(result.path, result.problems, None, article, items)


def _ref(entry: Entry, path: str) -> EntryRef:
    return EntryRef(
        entry.id,
        entry.sort_key[0],
        entry.updated.timestamp(),
        entry.tags,
        entry.categories,
        entry.index,
        path,
        b"",
        author_names(entry),
    )


@dataclass
class Site:
    """A whole site built in one go: every file a build publishes, and every problem."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_site(config: Config, now: datetime) -> tuple[list[PostResult], list[Problem]]:
    """Every post file of the site read and split, sorted by path; and the problems of the walk."""
    config = with_git_dates(config)
    found, problems = walk_posts(config.posts_dir(), selection(config).wants)
    renderer = renderer_for(config)
    rules = rules_for(config)
    cwd = Path.cwd().resolve()
    results = [
        read_and_split(Path(p), config, now, renderer, display_path(Path(p), cwd), rules) for p, _ in sorted(found)
    ]
    return results, problems


def plan_site(results: list[PostResult]) -> list[PostIndex]:
    """Each post's index, once posts that repeat an earlier post's id are left out."""
    return reject_duplicate_ids([index_of(r) for r in results])


def build_site(config: Config, now: datetime) -> Site:
    """Every file the site's build publishes (feeds, index.html, feeds.opml), made from scratch."""
    results, walk_problems = read_site(config, now)
    site = Site(problems=list(walk_problems))
    posts = plan_site(results)
    for post in posts:
        site.problems.extend(post.problems)
    specs = plan_feeds([p for p in posts if p.article is not None], config)
    by_ref = {(r.path, e.index): e for r in results if r.entries for e in _entries(r.entries)}
    for spec in specs:
        full = spec.filled(tuple(by_ref[(ref.path, ref.index)] for ref in spec.entries))
        files, problems = render_feed_set(full, config)
        for _, name, data in files:
            site.files[name] = data
        site.problems.extend(problems)
    for name, render in site_pages(config):
        site.files[name] = render(specs, config)
    return site


def _entries(entries: PostEntries) -> Iterator[Entry]:
    yield entries.article
    yield from (e for e in entries.items if e is not entries.article)
