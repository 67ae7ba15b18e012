"""Every feed listed twice: `index.html` for people, `feeds.opml` for readers' import; and a page
behind every feed set (`feed.html` for the site's, `articles/index.html`, `tags/SLUG/index.html`,
`categories/SLUG/index.html`, `authors/SLUG/index.html`) with its newest entries, its address to
copy and subscribe links.

All are pure functions of the FeedSpecs and the Config, and none reads the clock, so an
unchanged site rebuilds them byte for byte and write-if-changed leaves them alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from lxml import etree

from ..config import Config
from ..dates import whole_minute_offset
from ..model import Entry, FeedSpec
from ..text import clean_line
from .stylesheet import stylesheet_files
from .urls import FILENAMES, feed_href, feed_url

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
    """An HTML page listing every feed: site feeds, then categories, tags and authors."""
    site_specs, categories, tags, authors = _grouped(specs)
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
    filtered = categories or tags or authors
    if filtered:
        what = "categories, tags and authors" if authors else "categories and tags"
        body.append(
            f'<p id="filter" hidden><label>Filter {what}<br>'
            '<input type="search" autocomplete="off" spellcheck="false"></label></p>'
        )
    if categories:
        body.append(_section("categories", "Categories", [_row(s, config, formats) for s in categories]))
    if tags:
        body.append(_section("tags", "Tags", [_row(s, config, formats) for s in tags]))
    if authors:
        body.append(_section("authors", "Authors", [_row(s, config, formats) for s in authors]))
    body.append("</main>")
    if filtered:
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
    """An OPML 2.0 subscription list: folders Site, Categories, Tags and Authors (empty ones left out)."""
    site_specs, categories, tags, authors = _grouped(specs)
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
    for label, group in (("Site", site_specs), ("Categories", categories), ("Tags", tags), ("Authors", authors)):
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


def _grouped(specs: Sequence[FeedSpec]) -> tuple[list[FeedSpec], list[FeedSpec], list[FeedSpec], list[FeedSpec]]:
    """Site feeds (site before articles), categories, tags, authors; sorted so the input order never shows."""
    site_specs = sorted((s for s in specs if s.kind in _SITE_LABELS), key=lambda s: (s.kind != "site", s.path))
    categories = sorted((s for s in specs if s.kind == "category"), key=lambda s: (s.key, s.path))
    tags = sorted((s for s in specs if s.kind == "tag"), key=lambda s: (s.key, s.path))
    authors = sorted((s for s in specs if s.kind == "author"), key=lambda s: (s.key, s.path))
    return site_specs, categories, tags, authors


def _formats(config: Config) -> list[str]:
    return [fmt for fmt in dict.fromkeys(config.formats) if fmt in FILENAMES]


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
        note = f' <span class="note">{_e(_SITE_LABELS[spec.kind][1])}</span>'
    else:
        attrs = f'class="feed" data-kind="{spec.kind}" data-key="{_e(spec.key)}" data-name="{_e(name)} {_e(spec.key)}"'
        note = ""
    label = f'<span class="name"><a class="page" href="{_e(page_href(spec.path))}">{_e(name)}</a>{note}</span>'
    words = _words(config)
    count = _count(spec, words)
    if spec.updated is None:
        when = f'<span class="updated">{words["none"]}</span>'
    else:
        day = spec.updated.astimezone(config.tz).date().isoformat()
        when = f'{words["updated"]} <time class="updated" datetime="{day}">{day}</time>'
    # Relative, so the page works wherever the output folder is served (or opened from disk).
    links = " ".join(
        f'<a href="{_e(feed_href(spec.path, fmt))}" type="{_MEDIA_TYPES[fmt]}">{_FORMAT_LABELS[fmt]}</a>'
        for fmt in formats
    )
    meta = (
        f'<span class="meta"><span class="count" data-count="{spec.total}" data-shown="{len(spec.entries)}">'
        f"{count}</span> · {when}</span>"
    )
    return f'<li {attrs}>{label} {meta} <span class="links">{links}</span></li>'


def _e(text: str) -> str:
    return escape(text, quote=True)


# The words of the pages, by site.language's first subtag; English for every other language.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "entry": "{n} entry",
        "entries": "{n} entries",
        "newest": "{shown} newest of {total}",
        "none": "no entries yet",
        "updated": "updated",
        "all": "All feeds",
        "subscribe": "Subscribe",
        "address": "Copy this address into your feed reader:",
        "label": "Feed address",
        "copy": "Copy",
        "copied": "Copied",
        "formats": "Formats:",
        "readers": "Subscribe with one click:",
        "latest": "Newest entries",
    },
    "zh": {
        "entry": "共 {n} 条",
        "entries": "共 {n} 条",
        "newest": "最新 {shown} 条，共 {total} 条",
        "none": "暂无条目",
        "updated": "更新于",
        "all": "全部订阅源",
        "subscribe": "订阅",
        "address": "把这个地址复制到你的阅读器：",
        "label": "订阅地址",
        "copy": "复制",
        "copied": "已复制",
        "formats": "格式：",
        "readers": "一键订阅：",
        "latest": "最新条目",
    },
}
# The entries a feed's page shows, newest first.
PAGE_ENTRIES = 20
SITE_PAGE = "feed.html"
# One-click subscribe links of common web readers: (name, URL before the feed's, how it is quoted).
_READERS: tuple[tuple[str, str, str], ...] = (
    ("Feedly", "https://feedly.com/i/subscription/feed/", ":/%"),
    ("Inoreader", "https://www.inoreader.com/?add_feed=", ""),
    ("NewsBlur", "https://www.newsblur.com/?url=", ""),
    ("The Old Reader", "https://theoldreader.com/feeds/subscribe?url=", ""),
)

_PAGE_CSS = """\
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#6b6b70;--line:#8884;--link:#0a58ca;--box:#f2f2f4}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ea;--bg:#16161a;--muted:#a0a0a8;--link:#8ab4ff;--box:#24242a}}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:48rem;margin:0 auto;padding:1rem;
color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--link)}
h1{font-size:1.5rem;margin:.25rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:0}
.crumbs,.description,.meta,.count{color:var(--muted);font-size:.9em;margin:.25rem 0}
.copy{display:flex;gap:.5rem;max-width:40rem}
.copy input,.copy button{font:inherit;font-size:.9em;padding:.4rem .6rem;color:inherit;background:var(--box);
border:1px solid var(--line);border-radius:.3rem}
.copy input{flex:1 1 auto;min-width:0}
.links a{margin-right:.75rem;display:inline-block}
ol.entries{list-style:none;padding:0;margin:0}
ol.entries li{padding:.75rem 0;border-bottom:1px solid var(--line)}
ol.entries img{display:block;max-width:100%;max-height:14rem;height:auto;margin:.4rem 0;border-radius:.3rem}
.summary{margin:.25rem 0}
[hidden]{display:none!important}"""

# The button starts `hidden` and only this script shows it: without JavaScript the address stays
# in a read-only box to select and copy. No user data goes in here.
_COPY_SCRIPT = """\
(function () {
  "use strict";
  var input = document.getElementById("feed-url");
  var button = document.getElementById("copy");
  if (!input || !button) { return; }
  button.hidden = false;
  input.addEventListener("focus", function () { input.select(); });
  function done() { button.textContent = button.getAttribute("data-done"); }
  function fallback() { input.select(); try { document.execCommand("copy"); done(); } catch (e) { /* selected */ } }
  button.addEventListener("click", function () {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  });
})();"""


def _words(config: Config) -> dict[str, str]:
    lang = config.site.language.strip().lower().replace("_", "-").split("-", 1)[0]
    return _WORDS.get(lang, _WORDS["en"])


def _count(spec: FeedSpec, words: dict[str, str]) -> str:
    """ "27 entries", or "20 newest of 27" when the feed holds fewer entries than there are."""
    shown = len(spec.entries)
    if shown < spec.total:
        return words["newest"].format(shown=shown, total=spec.total)
    return words["entry" if spec.total == 1 else "entries"].format(n=spec.total)


def has_page(spec: FeedSpec) -> bool:
    """Every feed set but the archives has a page."""
    return spec.kind != "archive"


def page_file(path: str) -> str:
    """A feed set's page under the output folder: index.html in its folder, feed.html for the site's."""
    return f"{path}/index.html" if path else SITE_PAGE


def page_href(path: str) -> str:
    """The same page as a URL relative to the output folder (slugs percent-encoded)."""
    return f"{quote(path)}/index.html" if path else SITE_PAGE


def site_pages(config: Config) -> list[tuple[str, Callable[[Sequence[FeedSpec], Config], bytes]]]:
    """The files beside the feeds every build writes: index.html, feeds.opml, and the stylesheet."""
    pages: list[tuple[str, Callable[[Sequence[FeedSpec], Config], bytes]]] = [
        ("index.html", render_index),
        (OPML_FILENAME, render_opml),
    ]
    for name, data in stylesheet_files(config).items():
        pages.append((name, _fixed(data)))
    return pages


def _fixed(data: bytes) -> Callable[[Sequence[FeedSpec], Config], bytes]:
    def render(specs: Sequence[FeedSpec], config: Config) -> bytes:
        return data

    return render


def render_feed_page(spec: FeedSpec[Entry], config: Config) -> bytes:
    """The page behind a feed set's link: its newest entries, its address, its formats, subscribe links."""
    words = _words(config)
    formats = _formats(config)
    site_title = clean_line(config.site.title)
    name = display_name(spec, config)
    up = "../" * (spec.path.count("/") + 1 if spec.path else 0)
    main_fmt = "atom" if "atom" in formats else formats[0]
    address = _absolute_url(spec, main_fmt, config)

    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(name)} · {_e(site_title)}</title>",
    ]
    for fmt in formats:
        head.append(
            f'<link rel="alternate" type="{_MEDIA_TYPES[fmt]}" title="{_e(name)} ({_FORMAT_LABELS[fmt]})"'
            f' href="{_e(_absolute_url(spec, fmt, config))}">'
        )
    head.append(f"<style>\n{_PAGE_CSS}\n</style>")

    body = [
        "<header>",
        f'<p class="crumbs"><a href="{up}index.html">{_e(site_title)}</a> · {words["all"]}</p>',
        f"<h1>{_e(name)}</h1>",
    ]
    description = clean_line(spec.description)
    if description:
        body.append(f'<p class="description">{_e(description)}</p>')
    body.append('</header>\n<main>\n<section id="subscribe">')
    body.append(f"<h2>{words['subscribe']}</h2>")
    body.append(f'<p><label for="feed-url">{words["address"]}</label></p>')
    body.append(
        f'<p class="copy"><input id="feed-url" type="url" readonly value="{_e(address)}" aria-label="{words["label"]}">'
        f' <button type="button" id="copy" data-done="{words["copied"]}" hidden>{words["copy"]}</button></p>'
    )
    links = " ".join(
        f'<a href="{FILENAMES[fmt]}" type="{_MEDIA_TYPES[fmt]}">{_FORMAT_LABELS[fmt]}</a>' for fmt in formats
    )
    body.append(f'<p class="links formats">{words["formats"]} {links}</p>')
    readers = " ".join(
        f'<a href="{_e(prefix + quote(address, safe=safe))}" rel="nofollow noopener">{_e(reader)}</a>'
        for reader, prefix, safe in _READERS
    )
    body.append(f'<p class="links readers">{words["readers"]} {readers}</p>')
    body.append("</section>")
    body.append('<section id="entries">')
    body.append(f"<h2>{words['latest']}</h2>")
    shown = spec.entries[:PAGE_ENTRIES]
    total = max(spec.total, len(spec.entries))
    count = (
        words["newest"].format(shown=len(shown), total=total)
        if len(shown) < total
        else words["entry" if total == 1 else "entries"].format(n=total)
    )
    body.append(f'<p class="count">{count if total else words["none"]}</p>')
    if shown:
        body.append('<ol class="entries">')
        body.extend(_entry_item(entry, config) for entry in shown)
        body.append("</ol>")
    body.append("</section>\n</main>")
    body.append(f"<script>\n{_COPY_SCRIPT}\n</script>")

    page = "\n".join(
        [
            "<!doctype html>",
            f'<html lang="{_e(clean_line(config.site.language) or "en")}">',
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


def _entry_item(entry: Entry, config: Config) -> str:
    day = entry.published.astimezone(config.tz).date().isoformat()
    parts = [
        "<li><article>",
        f'<h3><a href="{_e(entry.link)}">{_e(clean_line(entry.title))}</a></h3>',
        f'<p class="meta"><time datetime="{day}">{day}</time></p>',
    ]
    if entry.image:
        attrs = 'alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer"'
        parts.append(f'<img src="{_e(entry.image)}" {attrs}>')
    summary = entry.summary.strip()
    if summary:
        parts.append(f'<p class="summary">{_e(summary)}</p>')
    parts.append("</article></li>")
    return "".join(parts)
