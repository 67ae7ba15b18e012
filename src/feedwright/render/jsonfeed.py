"""FeedSpec → JSON Feed 1.1 bytes (https://jsonfeed.org/version/1.1), readable by JSON Feed 1.0 readers too."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Any

from ..config import Config
from ..dates import isoformat
from ..model import Author, Entry, FeedSpec
from ..text import clean_line
from .common import feed_author

# What the feed is and how to subscribe, for a person who opens the file (JSON Feed's
# `user_comment`), by site.language's first subtag; English for every other language.
_USER_COMMENTS: dict[str, str] = {
    "en": "This is a JSON Feed of {title}. To subscribe, add this address to a feed reader: {url}",
    "zh": "这是「{title}」的 JSON Feed 订阅源。把这个地址添加到你的阅读器即可订阅：{url}",
}


def user_comment(spec: FeedSpec, config: Config) -> str:
    lang = config.site.language.strip().lower().replace("_", "-").split("-", 1)[0]
    text = _USER_COMMENTS.get(lang, _USER_COMMENTS["en"])
    return text.format(title=clean_line(spec.title), url=spec.self_urls["json"])


def _authors(authors: tuple[Author, ...]) -> list[dict[str, str]]:
    out = []
    for a in authors:
        item = {"name": a.name}
        if a.uri:
            item["url"] = a.uri
        out.append(item)
    return out


def _item(entry: Entry, tz: tzinfo) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": entry.content_html,
    }
    if entry.related:
        item["external_url"] = entry.related[0]
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item["date_published"] = isoformat(entry.published.astimezone(tz))
    item["date_modified"] = isoformat(entry.updated.astimezone(tz))
    if entry.authors:
        item["authors"] = _authors(entry.authors)
        # JSON Feed 1.0's single author, which 1.0 readers read; 1.1 keeps it for them.
        item["author"] = item["authors"][0]
    tags = list(dict.fromkeys((*entry.categories, *entry.tags)))
    if tags:
        item["tags"] = tags
    return item


def render_json(spec: FeedSpec, config: Config) -> bytes:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": spec.self_urls["json"],
    }
    if spec.description:
        feed["description"] = spec.description
    feed["user_comment"] = user_comment(spec, config)
    if config.site.icon:
        feed["icon"] = config.site.icon
    if config.favicon:
        feed["favicon"] = config.favicon
    feed["language"] = config.site.language
    # Items that name no author have the feed's (the site's title when site.author is not set).
    site_author = feed_author(config)
    feed["authors"] = _authors((Author(site_author.name, None, site_author.uri),))
    feed["author"] = feed["authors"][0]
    if config.websub.hub:
        feed["hubs"] = [{"type": "WebSub", "url": config.websub.hub}]
    feed["items"] = [_item(e, config.tz) for e in spec.entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
