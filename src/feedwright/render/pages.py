"""Every feed listed twice: `index.html` for people, `feeds.opml` for readers' import.

Both are pure functions of the FeedSpecs and the Config, and neither reads the clock, so an
unchanged site rebuilds them byte for byte and write-if-changed leaves them alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape

from lxml import etree

from ..config import Config
from ..dates import whole_minute_offset
from ..model import FeedSpec
from ..text import clean_line
from . import RENDERERS
from .urls import feed_href, feed_url

_MEDIA_TYPES: dict[str, str] = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
_FORMAT_LABELS: dict[str, str] = {"atom": "Atom", "rss": "RSS", "json": "JSON"}
_SITE_LABELS: dict[str, tuple[str, str]] = {
    "site": ("All entries", "the whole site, digests split into news items"),
    "articles": ("Articles", "the whole site, one entry per post"),
}
OPML_FILENAME = "feeds.opml"

_CSS = """\
:root{color-scheme:light dark}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:48rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .25rem}
ul.feeds{list-style:none;padding:0;margin:0}
li.feed{display:flex;flex-wrap:wrap;gap:.1rem 1rem;align-items:baseline;padding:.45rem 0;border-bottom:1px solid #8884}
.name{flex:1 1 12rem;font-weight:600;overflow-wrap:anywhere}
.note{font-weight:400;color:#777;font-size:.9em}
.meta{color:#777;font-size:.9em;white-space:nowrap}
.links a{margin-right:.6rem}
#filter input{width:100%;max-width:24rem;font:inherit;padding:.35rem .5rem;box-sizing:border-box}
[hidden]{display:none!important}"""

# The box starts `hidden` and only this script reveals it, so without JavaScript nobody
# sees a control that does nothing and every row stays visible. No user data goes in here.
_SCRIPT = """\
(function () {
  "use strict";
  var box = document.getElementById("filter");
  if (!box) { return; }
  var input = box.querySelector("input");
  var rows = Array.prototype.slice.call(document.querySelectorAll("li[data-name]"));
  var names = rows.map(function (row) { return row.getAttribute("data-name").toLowerCase(); });
  box.hidden = false;
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    rows.forEach(function (row, i) { row.hidden = query !== "" && names[i].indexOf(query) === -1; });
  });
})();"""


def render_index(specs: Sequence[FeedSpec], config: Config) -> bytes:
    """An HTML page listing every feed: site feeds, then categories, then tags."""
    site_specs, categories, tags = _grouped(specs)
    formats = _formats(config)
    site = config.site
    title = clean_line(site.title)

    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} · feeds</title>",
    ]
    site_feed = next((s for s in site_specs if s.kind == "site"), None)
    if site_feed is not None:
        for fmt in formats:
            head.append(
                f'<link rel="alternate" type="{_MEDIA_TYPES[fmt]}" title="{_e(title)} ({_FORMAT_LABELS[fmt]})"'
                f' href="{_e(feed_href(site_feed.path, fmt))}">'
            )
    head.append(f"<style>\n{_CSS}\n</style>")

    body = [f"<header>\n<h1>{_e(title)}</h1>"]
    description = clean_line(site.description)
    if description:
        body.append(f'<p class="description">{_e(description)}</p>')
    body.append(
        f'<p>Every feed of this site. To subscribe to all of them at once, import <a href="{OPML_FILENAME}"'
        f' type="text/x-opml">{OPML_FILENAME}</a> into your feed reader.</p>\n</header>\n<main>'
    )
    if site_specs:
        body.append(_section("site", "Site", [_row(s, config, formats) for s in site_specs]))
    if categories or tags:
        body.append(
            '<p id="filter" hidden><label>Filter categories and tags<br>'
            '<input type="search" autocomplete="off" spellcheck="false"></label></p>'
        )
    if categories:
        body.append(_section("categories", "Categories", [_row(s, config, formats) for s in categories]))
    if tags:
        body.append(_section("tags", "Tags", [_row(s, config, formats) for s in tags]))
    body.append("</main>")
    if categories or tags:
        body.append(f"<script>\n{_SCRIPT}\n</script>")

    page = "\n".join(
        [
            "<!doctype html>",
            f'<html lang="{_e(clean_line(site.language) or "en")}">',
            "<head>",
            *head,
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
    return page.encode("utf-8")


def render_opml(specs: Sequence[FeedSpec], config: Config) -> bytes:
    """An OPML 2.0 subscription list: folders Site, Categories and Tags (empty ones left out)."""
    site_specs, categories, tags = _grouped(specs)
    formats = _formats(config)
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"{clean_line(config.site.title)} · feeds"
    newest = _newest(specs)
    if newest is not None:
        # The newest entry's time, not the build's, so an unchanged site gives the same bytes.
        etree.SubElement(head, "dateModified").text = format_datetime(whole_minute_offset(newest.astimezone(config.tz)))
    etree.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    # Atom is the richest of the three; otherwise the format the site lists first.
    fmt = "atom" if "atom" in formats else formats[0]
    for label, group in (("Site", site_specs), ("Categories", categories), ("Tags", tags)):
        if not group:
            continue
        folder = etree.SubElement(body, "outline")
        folder.set("text", label)
        folder.set("title", label)
        for spec in group:
            name = clean_line(spec.title) or spec.key or spec.path
            outline = etree.SubElement(folder, "outline")
            # OPML 2.0 says type="rss" for any subscribable feed, Atom included.
            for key, value in (
                ("type", "rss"),
                ("text", name),
                ("title", name),
                ("xmlUrl", _absolute_url(spec, fmt, config)),
                ("htmlUrl", spec.home_url),
            ):
                outline.set(key, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def display_name(spec: FeedSpec, config: Config) -> str:
    """What a person calls the feed: its tag or category as its entries spell it most (see feeds.py)."""
    if spec.kind in _SITE_LABELS:
        return _SITE_LABELS[spec.kind][0]
    name = spec.name
    if not name:
        prefix = f"{config.site.title} · "
        name = spec.title.removeprefix(prefix) if spec.title.startswith(prefix) else spec.title
    return clean_line(name) or spec.key


def _grouped(specs: Sequence[FeedSpec]) -> tuple[list[FeedSpec], list[FeedSpec], list[FeedSpec]]:
    """Site feeds (site before articles), categories, tags; sorted so the input order never shows."""
    site_specs = sorted((s for s in specs if s.kind in _SITE_LABELS), key=lambda s: (s.kind != "site", s.path))
    categories = sorted((s for s in specs if s.kind == "category"), key=lambda s: (s.key, s.path))
    tags = sorted((s for s in specs if s.kind == "tag"), key=lambda s: (s.key, s.path))
    return site_specs, categories, tags


def _formats(config: Config) -> list[str]:
    return [fmt for fmt in dict.fromkeys(config.formats) if fmt in RENDERERS]


def _absolute_url(spec: FeedSpec, fmt: str, config: Config) -> str:
    return spec.self_urls.get(fmt) or feed_url(config.feeds_url, spec.path, fmt)


def _newest(specs: Sequence[FeedSpec]) -> datetime | None:
    times = [s.updated for s in specs if s.updated is not None]
    return max(times) if times else None


def _section(ident: str, heading: str, rows: list[str]) -> str:
    return "\n".join(
        [f'<section id="{ident}">', f"<h2>{heading}</h2>", '<ul class="feeds">', *rows, "</ul>", "</section>"]
    )


def _row(spec: FeedSpec, config: Config, formats: list[str]) -> str:
    name = display_name(spec, config)
    if spec.kind in _SITE_LABELS:
        # Site rows are not filtered: they carry no data-name for the script to match.
        attrs = f'class="feed" data-kind="{spec.kind}"'
        label = f'<span class="name">{_e(name)} <span class="note">{_e(_SITE_LABELS[spec.kind][1])}</span></span>'
    else:
        attrs = f'class="feed" data-kind="{spec.kind}" data-key="{_e(spec.key)}" data-name="{_e(name)} {_e(spec.key)}"'
        label = f'<span class="name">{_e(name)}</span>'
    count = f"{spec.total} {'entry' if spec.total == 1 else 'entries'}"
    if spec.updated is None:
        when = '<span class="updated">no entries yet</span>'
    else:
        day = spec.updated.astimezone(config.tz).date().isoformat()
        when = f'updated <time class="updated" datetime="{day}">{day}</time>'
    # Relative, so the page works wherever the output folder is served (or opened from disk).
    links = " ".join(
        f'<a href="{_e(feed_href(spec.path, fmt))}" type="{_MEDIA_TYPES[fmt]}">{_FORMAT_LABELS[fmt]}</a>'
        for fmt in formats
    )
    meta = f'<span class="meta"><span class="count" data-count="{spec.total}">{count}</span> · {when}</span>'
    return f'<li {attrs}>{label} {meta} <span class="links">{links}</span></li>'


def _e(text: str) -> str:
    return escape(text, quote=True)
