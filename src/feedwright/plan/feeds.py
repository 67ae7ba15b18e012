"""Post indexes → the feeds that exist (site, articles, per tag, per category, per author when
`feeds.authors` is on), each sorted and limited."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from ..config import Config
from ..model import EntryRef, FeedKind, FeedSpec, PostIndex
from ..render.urls import feed_urls
from ..slug import slugify


@dataclass(frozen=True)
class _Group:
    kind: FeedKind
    key: str
    name: str
    entries: list[EntryRef]


def sort_entries(entries: Iterable[EntryRef]) -> list[EntryRef]:
    """Newest first; equal times ordered by id, so the order never depends on reading order."""
    return sorted(entries, key=attrgetter("sort_time", "id"))


def _display_name(spellings: Counter[str]) -> str:
    """The most used spelling of a tag (category, author); ties go to the alphabetically first, for stable titles."""
    return min(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _grouped(entries: Sequence[EntryRef], kind: FeedKind) -> list[_Group]:
    # Lists, not sets: a site's tags hold half a million memberships. Entries come one by one, so
    # an entry whose two spellings slug alike ('Linux', 'linux') is the list's last one.
    members: dict[str, list[EntryRef]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    slugs: dict[str, str] = {}  # a popular tag is on thousands of entries; slug it once
    for entry in entries:
        names = entry.tags if kind == "tag" else entry.categories if kind == "category" else entry.authors
        for name in names:
            key = slugs.get(name)
            if key is None:
                key = slugs[name] = slugify(name)
            group = members[key]
            if not group or group[-1] is not entry:
                group.append(entry)
            spellings[key][name] += 1
    return [_Group(kind, key, _display_name(spellings[key]), members[key]) for key in sorted(members)]


def _spec(
    config: Config,
    kind: FeedKind,
    path: str,
    key: str,
    title: str,
    desc: str,
    entries: list[EntryRef],
    name: str = "",
) -> FeedSpec[EntryRef]:
    limit = {
        "site": config.limits.site,
        "articles": config.limits.articles,
        "tag": config.limits.tag,
        "category": config.limits.category,
        "author": config.limits.author,
        "archive": len(entries),
    }[kind]
    ordered = entries  # sorted once by plan_feeds; every group keeps that order
    self_urls = feed_urls(config.feeds_url, path)
    return FeedSpec(
        path=path,
        kind=kind,
        key=key,
        title=title,
        description=desc,
        home_url=config.base_url,
        self_urls=self_urls,
        entries=tuple(ordered[:limit]),
        total=len(ordered),
        name=name,
    )


def plan_feeds(posts: Sequence[PostIndex], config: Config) -> list[FeedSpec[EntryRef]]:
    """Every feed the build writes, in a fixed order: site, articles, categories, tags, authors."""
    site = config.site
    # Sorted once here: groups and archives are filled in this order, so each feed comes out sorted.
    items = sort_entries(_unique([e for p in posts for e in p.items]))
    kept = [p for p in posts if not _excluded(p, config)]
    articles = sort_entries(_unique([p.article for p in kept if p.article is not None]))
    # Posts with an excluded tag or category stay out of the site-wide feeds (and their archives),
    # not out of their own tag and category feeds.
    site_items = items if len(kept) == len(posts) else sort_entries(_unique([e for p in kept for e in p.items]))
    archives = _archives(site_items, config) if config.archive else []
    home = _spec(config, "site", "", "", site.title, site.description, site_items)
    if archives:
        home = replace(home, links=(("prev-archive", archives[-1].path),))
    specs = [
        home,
        _spec(config, "articles", "articles", "", f"{site.title} · articles", site.description, articles),
    ]
    # (kind, folder, what the feed's description says its posts are)
    groupings: tuple[tuple[FeedKind, str, str], ...] = (
        ("category", "categories", "posts under the category “{}”"),
        ("tag", "tags", "posts under the tag “{}”"),
    )
    if config.feeds.authors:
        groupings += (("author", "authors", "posts by “{}”"),)
    for kind, folder, about in groupings:
        for group in _grouped(items, kind):
            specs.append(
                _spec(
                    config,
                    group.kind,
                    f"{folder}/{group.key}",
                    group.key,
                    f"{site.title} · {group.name}",
                    f"{site.title}: {about.format(group.name)}",
                    group.entries,
                    group.name,
                )
            )
    return specs + archives


def _excluded(post: PostIndex, config: Config) -> bool:
    """Whether the post names one of `exclude_tags` / `exclude_categories`, in any case."""
    if post.article is None or not (config.exclude_tags or config.exclude_categories):
        return False
    tags = {t.casefold() for t in config.exclude_tags}
    categories = {c.casefold() for c in config.exclude_categories}
    return any(t.casefold() in tags for t in post.article.tags) or any(
        c.casefold() in categories for c in post.article.categories
    )


def _archives(items: list[EntryRef], config: Config) -> list[FeedSpec[EntryRef]]:
    """RFC 5005 archive documents, one per month that has entries, chained oldest to newest.

    A month's document changes only when an entry in it changes, or once when the next
    month's first entry arrives and gives it a next-archive link; the newest month is open.
    """
    months: dict[str, list[EntryRef]] = defaultdict(list)
    for entry in items:
        months[entry.published.astimezone(config.tz).strftime("%Y-%m")].append(entry)
    keys = sorted(months)
    specs: list[FeedSpec[EntryRef]] = []
    for i, month in enumerate(keys):
        links: list[tuple[str, str]] = [("current", "")]
        if i > 0:
            links.append(("prev-archive", f"archive/{keys[i - 1]}"))
        if i + 1 < len(keys):
            links.append(("next-archive", f"archive/{keys[i + 1]}"))
        spec = _spec(
            config,
            "archive",
            f"archive/{month}",
            month,
            f"{config.site.title} · {month}",
            f"{config.site.title}: every entry of {month}",
            months[month],
        )
        specs.append(replace(spec, links=tuple(links)))
    return specs


def _unique(entries: list[EntryRef]) -> list[EntryRef]:
    """One entry per id: readers drop or merge entries that share one, so the build must not emit two."""
    seen: dict[str, EntryRef] = {}
    for entry in entries:
        seen.setdefault(entry.id, entry)
    return list(seen.values())
