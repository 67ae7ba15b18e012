"""What an entry's content holds: the whole post, or its summary and a "read more" link to it.

The mode comes from, most specific first: the post's front matter (`content: summary`, applied
when the post is split, so every feed shows that post's summary), `content_by_kind` for the feed's
kind, and the global `content`. The byte budget (render/budget.py) cuts entries with the same
function when a feed file is too large.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Any

from ..config import Config
from ..model import Entry, FeedKind, FeedSpec, PostEntries

# The feed kinds as content_by_kind names them (the output folders' names).
_KIND_KEYS: dict[str, str] = {
    "site": "site",
    "articles": "articles",
    "tag": "tags",
    "category": "categories",
    "author": "authors",
}
# "Read more" by site.language, its first subtag; English for every other language.
_READ_MORE: dict[str, str] = {"zh": "阅读全文", "ja": "続きを読む", "en": "Read more…"}


def read_more_text(config: Config) -> str:
    """The link text of a summary entry: `read_more`, else the site language's."""
    if config.read_more.strip():
        return config.read_more.strip()
    lang = config.site.language.strip().lower().replace("_", "-").split("-", 1)[0]
    return _READ_MORE.get(lang, _READ_MORE["en"])


def kind_mode(kind: FeedKind, config: Config) -> str:
    """full or summary for the feeds of `kind`; archives keep the global mode."""
    key = _KIND_KEYS.get(kind)
    if key is not None and key in config.content_by_kind:
        return config.content_by_kind[key]
    return config.content


def summary_html(entry: Entry, config: Config) -> str:
    """The summary as one HTML paragraph, then a paragraph linking to the post."""
    link = f'<p><a href="{escape(entry.link, quote=True)}">{escape(read_more_text(config))}</a></p>'
    text = entry.summary.strip()
    return f"<p>{escape(text, quote=False)}</p>{link}" if text else link


def summarized(entry: Entry, config: Config) -> Entry:
    return replace(entry, content_html=summary_html(entry, config))


def post_mode(extra: dict[str, Any]) -> str | None:
    """A post's own `content:` front matter, when it says full or summary (read/fields.py checks it)."""
    value = extra.get("content")
    if isinstance(value, str) and value.strip().lower() in ("full", "summary"):
        return value.strip().lower()
    return None


def with_post_mode(entries: PostEntries, extra: dict[str, Any], config: Config) -> PostEntries:
    """A post that asks for `content: summary` gives summary entries in every feed."""
    if post_mode(extra) != "summary":
        return entries
    article = summarized(entries.article, config)
    items = tuple(article if e is entries.article else summarized(e, config) for e in entries.items)
    return replace(entries, article=article, items=items)


def with_content_mode(spec: FeedSpec[Entry], config: Config) -> FeedSpec[Entry]:
    """The feed with every entry cut to its summary when its kind's mode is summary."""
    if kind_mode(spec.kind, config) != "summary" or not spec.entries:
        return spec
    return replace(spec, entries=tuple(summarized(e, config) for e in spec.entries))
