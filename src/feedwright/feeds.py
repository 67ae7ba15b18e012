"""Entries → the feeds that exist (site, articles, per tag, per category), each sorted and limited."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from .config import Config
from .model import Entry, FeedKind, FeedSpec, PostEntries
from .render import RENDERERS
from .slug import slugify


@dataclass(frozen=True)
class _Group:
    kind: FeedKind
    key: str
    name: str
    entries: list[Entry]


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Newest first; equal times ordered by id, so the order never depends on reading order."""
    return sorted(entries, key=lambda e: e.sort_key)


def _display_name(spellings: Counter[str]) -> str:
    """The most used spelling of a tag; ties go to the alphabetically first, for stable titles."""
    return min(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _grouped(entries: Sequence[Entry], kind: FeedKind) -> list[_Group]:
    members: dict[str, dict[str, Entry]] = defaultdict(dict)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        names = entry.tags if kind == "tag" else entry.categories
        for name in names:
            key = slugify(name)
            members[key][entry.id] = entry
            spellings[key][name] += 1
    return [_Group(kind, key, _display_name(spellings[key]), list(members[key].values())) for key in sorted(members)]


def _spec(config: Config, kind: FeedKind, path: str, key: str, title: str, desc: str, entries: list[Entry]) -> FeedSpec:
    limit = {
        "site": config.limits.site,
        "articles": config.limits.articles,
        "tag": config.limits.tag,
        "category": config.limits.category,
    }[kind]
    ordered = sort_entries(entries)
    base = config.base_url
    # Slugs keep Chinese letters; URLs carry them percent-encoded so every reader can fetch them.
    prefix = f"{quote(path)}/" if path else ""
    self_urls = {fmt: f"{base}{prefix}{filename}" for fmt, (filename, _) in RENDERERS.items()}
    return FeedSpec(
        path=path,
        kind=kind,
        key=key,
        title=title,
        description=desc,
        home_url=base,
        self_urls=self_urls,
        entries=tuple(ordered[:limit]),
        total=len(ordered),
    )


def plan_feeds(posts: Sequence[PostEntries], config: Config) -> list[FeedSpec]:
    """Every feed the build writes, in a fixed order: site, articles, categories, tags."""
    site = config.site
    items = _unique([e for p in posts for e in p.items])
    articles = _unique([p.article for p in posts])
    specs = [
        _spec(config, "site", "", "", site.title, site.description, items),
        _spec(config, "articles", "articles", "", f"{site.title} · articles", site.description, articles),
    ]
    for kind, folder, label in (("category", "categories", "category"), ("tag", "tags", "tag")):
        for group in _grouped(items, kind):  # type: ignore[arg-type]
            specs.append(
                _spec(
                    config,
                    group.kind,
                    f"{folder}/{group.key}",
                    group.key,
                    f"{site.title} · {group.name}",
                    f"{site.title}: posts under the {label} “{group.name}”",
                    group.entries,
                )
            )
    return specs


def _unique(entries: list[Entry]) -> list[Entry]:
    """One entry per id: readers drop or merge entries that share one, so the build must not emit two."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry.id, entry)
    return list(seen.values())
