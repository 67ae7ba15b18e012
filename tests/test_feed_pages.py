"""The page behind every feed set, and feeds.stylesheet: what they show, escaping, and publishing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import lxml.html
from lxml import etree

from feedwright.config import Config
from feedwright.engine.build import BuildOptions, run_build
from feedwright.pipeline import build_site
from feedwright.render.pages import PAGE_ENTRIES, page_file, render_feed_page

from .conftest import NOW, write_post
from .regenerate_golden import published_files
from .test_pages import AMP, BASE, CHINESE, HOSTILE, QUOTED, make_config, make_entry, make_spec


def _page(raw: bytes) -> lxml.html.HtmlElement:
    assert raw.startswith(b"<!doctype html>\n")
    return lxml.html.fromstring(raw)


def test_a_page_shows_the_newest_entries_the_address_and_subscribe_links() -> None:
    entries = [make_entry(f"e{i}", datetime(2024, 1, 1 + i, tzinfo=UTC), tags=["Linux"]) for i in range(25)]
    spec = make_spec("tag", "Linux", entries, total=40)
    doc = _page(render_feed_page(spec, make_config()))
    items = doc.xpath("//ol[@class='entries']/li")
    assert len(items) == PAGE_ENTRIES
    assert items[0].xpath("string(.//h3/a)") == "Post e24" and items[0].xpath("string(.//h3/a/@href)") == f"{BASE}e24/"
    assert items[0].xpath("string(.//time/@datetime)") == "2024-01-25"
    assert doc.xpath("string(//p[@class='count'])") == f"{PAGE_ENTRIES} newest of 40"
    address = doc.xpath("string(//input[@id='feed-url']/@value)")
    assert address == f"{BASE}tags/linux/atom.xml"
    assert doc.xpath("//input[@id='feed-url']/@readonly")
    # The copy button needs JavaScript, so it starts hidden and the script shows it.
    assert doc.xpath("//button[@id='copy']/@hidden")
    formats = {a.text_content(): a.get("href") for a in doc.xpath("//p[contains(@class,'formats')]/a")}
    assert formats == {"Atom": "atom.xml", "RSS": "rss.xml", "JSON": "feed.json"}
    readers = {a.text_content(): a.get("href") for a in doc.xpath("//p[contains(@class,'readers')]/a")}
    assert readers["Feedly"] == f"https://feedly.com/i/subscription/feed/{address}"
    assert parse_qs(urlsplit(readers["Inoreader"]).query) == {"add_feed": [address]}
    assert parse_qs(urlsplit(readers["NewsBlur"]).query) == {"url": [address]}
    assert parse_qs(urlsplit(readers["The Old Reader"]).query) == {"url": [address]}
    assert doc.xpath("string(//p[@class='crumbs']/a/@href)") == "../../index.html"
    assert doc.get("lang") == "en"


def test_a_page_escapes_everything_and_loads_nothing_from_elsewhere() -> None:
    entry = make_entry("x", datetime(2024, 1, 1, tzinfo=UTC), tags=[HOSTILE])
    entry = entry.__class__(
        **{
            **entry.__dict__,
            "title": f"{HOSTILE} {QUOTED}",
            "summary": f"{AMP} {HOSTILE}",
            "image": 'https://img.example.org/a.png?x=1&y="2"',
            "link": f'{BASE}x/?a=1&b="2"',
        }
    )
    spec = make_spec("tag", HOSTILE, [entry])
    raw = render_feed_page(spec, make_config())
    assert b"<script>alert" not in raw
    doc = _page(raw)
    assert doc.xpath("string(//h1)") == HOSTILE
    assert doc.xpath("string(//h3/a)") == f"{HOSTILE} {QUOTED}"
    assert doc.xpath("string(//h3/a/@href)") == f'{BASE}x/?a=1&b="2"'
    assert doc.xpath("string(//p[@class='summary'])") == f"{AMP} {HOSTILE}"
    assert doc.xpath("string(//img/@src)") == 'https://img.example.org/a.png?x=1&y="2"'
    # One inline script of the page's own, no external script, stylesheet or font.
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//script/@src")
    assert not doc.xpath("//link[@rel='stylesheet']") and b"@import" not in raw and b"url(" not in raw


def test_a_chinese_site_page_speaks_chinese() -> None:
    spec = make_spec("tag", CHINESE, [make_entry("c", datetime(2024, 1, 1, tzinfo=UTC), tags=[CHINESE])], total=3)
    doc = _page(render_feed_page(spec, make_config(site={"title": "T", "base_url": BASE, "language": "zh-CN"})))
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("string(//p[@class='count'])") == "最新 1 条，共 3 条"
    assert doc.xpath("string(//button[@id='copy'])") == "复制"


def test_page_files() -> None:
    assert page_file("") == "feed.html"
    assert page_file("articles") == "articles/index.html"
    assert page_file(f"tags/{CHINESE}") == f"tags/{CHINESE}/index.html"


def _posts(folder: Path) -> None:
    for i in range(3):
        front = f"title: P{i}\ndate: 2024-01-0{i + 1}\ntags: [A{i}, Linux]"
        write_post(folder, f"p{i}.md", f"---\n{front}\n---\nText {i}\n")


def test_every_feed_set_but_archives_has_a_page_and_feeds_stay_pure(
    make_config: Callable[..., Config], folder: Path
) -> None:
    _posts(folder)
    site = build_site(make_config(folder, archive=True), NOW)
    for folder_name in ("articles", "tags/linux", "tags/a0"):
        assert f"{folder_name}/index.html" in site.files
    assert "feed.html" in site.files
    assert not any(name.startswith("archive/") and name.endswith(".html") for name in site.files)
    assert b"xml-stylesheet" not in site.files["atom.xml"]
    index = lxml.html.fromstring(site.files["index.html"])
    hrefs = set(index.xpath("//a[@class='page']/@href"))
    assert {"feed.html", "articles/index.html", "tags/linux/index.html"} <= hrefs


def test_the_engine_publishes_the_pages_the_stages_make_and_prunes_them(
    make_config: Callable[..., Config], folder: Path
) -> None:
    _posts(folder)
    config = make_config(folder, feeds={"stylesheet": "xsl"})
    report = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert published_files(config.output_dir()) == build_site(config, NOW).files
    # A feed's page is no feed: the hub hears only of feed files.
    assert report.changed_feeds and not any(url.endswith(".html") for url in report.changed_feeds)
    (folder / "p0.md").unlink()
    run_build(config, BuildOptions(now=NOW, jobs=1, prune=True, allow_empty=True))
    out = config.output_dir()
    assert not (out / "tags/a0/index.html").exists() and not (out / "tags/a0/atom.xml").exists()
    assert published_files(out) == build_site(config, NOW).files


def test_the_xsl_stylesheet(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder)
    site = build_site(make_config(folder, feeds={"stylesheet": "xsl"}), NOW)
    assert site.files["atom.xml"].split(b"\n")[1] == b'<?xml-stylesheet type="text/xsl" href="feed.xsl"?>'
    assert b'href="../../feed.xsl"' in site.files["tags/linux/rss.xml"].split(b"\n")[1]
    assert b"xml-stylesheet" not in site.files["feed.json"]
    assert "feed.css" not in site.files
    for name in ("atom.xml", "rss.xml", "tags/linux/atom.xml"):
        assert not feedparser.parse(site.files[name]).bozo, name
    # The XSLT turns both formats into a page listing their entries.
    transform = etree.XSLT(etree.fromstring(site.files["feed.xsl"]))
    for name in ("atom.xml", "rss.xml"):
        html = str(transform(etree.fromstring(site.files[name])))
        assert "P2" in html and "P0" in html, name


def test_the_css_stylesheet(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder)
    site = build_site(make_config(folder, feeds={"stylesheet": "css"}), NOW)
    assert b'<?xml-stylesheet type="text/css" href="../feed.css"?>' in site.files["articles/atom.xml"]
    assert b"entry" in site.files["feed.css"] and "feed.xsl" not in site.files
