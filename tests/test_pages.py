"""index.html and feeds.opml: order, counts, dates, links, escaping, determinism."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote, unquote

import lxml.html
import pytest
from lxml import etree

from feedwright.config import Config, config_from_mapping
from feedwright.model import Entry, EntryRef, FeedKind, FeedSpec, PostIndex
from feedwright.plan.feeds import plan_feeds
from feedwright.render.pages import render_index, render_opml
from feedwright.slug import slugify

BASE = "https://example.org/"
SHANGHAI = timezone(timedelta(hours=8))
HOSTILE = "<script>alert(1)</script>"
QUOTED = '" onmouseover="x'
AMP = "R&D"
CHINESE = "开源软件"


def make_entry(
    ident: str,
    published: datetime,
    tags: Sequence[str] = (),
    categories: Sequence[str] = (),
    updated: datetime | None = None,
) -> Entry:
    return Entry(
        id=f"{BASE}{ident}/",
        title=f"Post {ident}",
        link=f"{BASE}{ident}/",
        published=published,
        updated=updated or published,
        authors=(),
        tags=tuple(tags),
        categories=tuple(categories),
        summary="",
        content_html="<p>x</p>",
        image=None,
        related=(),
        post_id=ident,
        index=0,
        source=f"posts/{ident}.md",
    )


def make_spec(kind: FeedKind, name: str, entries: Sequence[Entry], total: int | None = None) -> FeedSpec:
    """A spec shaped like feeds.plan_feeds makes them."""
    if kind == "site":
        path, key, title = "", "", "T"
    elif kind == "articles":
        path, key, title = "articles", "", "T · articles"
    else:
        key = slugify(name)
        path, title = f"{'tags' if kind == 'tag' else 'categories'}/{key}", f"T · {name}"
    prefix = f"{quote(path)}/" if path else ""
    ordered = tuple(sorted(entries, key=lambda e: e.sort_key))
    return FeedSpec(
        path=path,
        kind=kind,
        key=key,
        title=title,
        description="",
        home_url=BASE,
        self_urls={
            "atom": f"{BASE}{prefix}atom.xml",
            "rss": f"{BASE}{prefix}rss.xml",
            "json": f"{BASE}{prefix}feed.json",
        },
        entries=ordered,
        total=len(ordered) if total is None else total,
        name=name,
    )


def make_config(**extra: object) -> Config:
    return config_from_mapping({"site": {"title": "T", "base_url": BASE, "timezone": "Asia/Shanghai"}, **extra})


# 2024-01-05 20:30 UTC is already 2024-01-06 in Shanghai: the date must be the site's.
LATE = datetime(2024, 1, 5, 20, 30, tzinfo=UTC)
E1 = make_entry("one", datetime(2023, 3, 1, 9, 0, tzinfo=SHANGHAI), tags=["Linux", HOSTILE], categories=["News"])
E2 = make_entry("two", datetime(2023, 6, 2, 9, 0, tzinfo=SHANGHAI), tags=["linux", QUOTED, AMP], categories=["News"])
E3 = make_entry("three", LATE, tags=["Linux", CHINESE], categories=["Digest"])
ALL = [E1, E2, E3]


def make_specs() -> list[FeedSpec]:
    # Deliberately out of order: the page must sort site → categories → tags itself.
    return [
        make_spec("tag", "Linux", ALL),
        make_spec("category", "News", [E1, E2]),
        make_spec("tag", HOSTILE, [E1]),
        make_spec("articles", "", ALL),
        make_spec("tag", QUOTED, [E2]),
        make_spec("category", "Digest", [E3]),
        make_spec("tag", AMP, [E2], total=7),
        make_spec("site", "", ALL),
        make_spec("tag", CHINESE, [E3]),
    ]


@pytest.fixture(scope="module")
def page() -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_index(make_specs(), make_config()))


def rows(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.xpath("//li[contains(concat(' ', @class, ' '), ' feed ')]")


def row_for(page: lxml.html.HtmlElement, kind: str, key: str = "") -> lxml.html.HtmlElement:
    found = [r for r in rows(page) if r.get("data-kind") == kind and (r.get("data-key") or "") == key]
    assert len(found) == 1, (kind, key)
    return found[0]


def row_links(row: lxml.html.HtmlElement) -> dict[str, str]:
    return {a.text_content(): a.get("href") for a in row.xpath(".//span[@class='links']/a")}


def test_index_is_a_phone_friendly_html5_page() -> None:
    raw = render_index(make_specs(), make_config(site={"title": "T", "base_url": BASE, "language": "zh-CN"}))
    assert raw.startswith(b"<!doctype html>\n")
    raw.decode("utf-8")
    doc = lxml.html.fromstring(raw)
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//meta[@name='viewport']/@content")
    assert doc.xpath("//meta[@charset='utf-8']")
    assert doc.xpath("//head/style")


def test_rows_are_site_then_categories_then_tags(page: lxml.html.HtmlElement) -> None:
    kinds = [r.get("data-kind") for r in rows(page)]
    assert kinds == ["site", "articles", "category", "category", "tag", "tag", "tag", "tag", "tag"]
    assert [r.get("data-key") for r in rows(page) if r.get("data-kind") == "category"] == ["digest", "news"]
    assert [s.get("id") for s in page.xpath("//main/section")] == ["site", "categories", "tags"]


def test_names_are_the_feeds_names_unescaped_once(page: lxml.html.HtmlElement) -> None:
    names = {r.get("data-key"): r.xpath("string(.//span[@class='name'])") for r in rows(page) if r.get("data-key")}
    assert names[slugify("Linux")] == "Linux"
    assert names[slugify(HOSTILE)] == HOSTILE
    assert names[slugify(QUOTED)] == QUOTED
    assert names[slugify(AMP)] == AMP
    assert names[CHINESE] == CHINESE
    assert names["news"] == "News"


def test_name_falls_back_to_the_title_without_entries() -> None:
    spec = make_spec("tag", "Empty & Co", [])
    doc = lxml.html.fromstring(render_index([spec], make_config()))
    row = row_for(doc, "tag", spec.key)
    assert row.xpath("string(.//span[@class='name'])") == "Empty & Co"
    assert "no entries yet" in row.text_content()
    assert row.xpath("string(.//span[@class='count'])") == "0 entries"


def test_counts_and_dates(page: lxml.html.HtmlElement) -> None:
    def count(row: lxml.html.HtmlElement) -> str:
        return row.xpath("string(.//span[@class='count'])")

    def date(row: lxml.html.HtmlElement) -> str:
        return row.xpath("string(.//time/@datetime)")

    assert count(row_for(page, "site")) == "3 entries"
    assert date(row_for(page, "site")) == "2024-01-06"
    assert count(row_for(page, "category", "news")) == "2 entries"
    assert date(row_for(page, "category", "news")) == "2023-06-02"
    assert count(row_for(page, "tag", slugify(HOSTILE))) == "1 entry"
    # A feed holding fewer entries than there are says so: 1 of the 7 entries is in the feed.
    assert count(row_for(page, "tag", slugify(AMP))) == "1 newest of 7"
    assert row_for(page, "tag", slugify(AMP)).xpath("string(.//span[@class='count']/@data-count)") == "7"


def test_date_uses_the_newest_update_in_the_site_zone() -> None:
    edited = make_entry("old", datetime(2020, 1, 1, tzinfo=SHANGHAI), tags=["x"], updated=LATE)
    doc = lxml.html.fromstring(render_index([make_spec("tag", "x", [edited])], make_config()))
    assert row_for(doc, "tag", "x").xpath("string(.//time/@datetime)") == "2024-01-06"
    utc = make_config(site={"title": "T", "base_url": BASE, "timezone": "UTC"})
    doc = lxml.html.fromstring(render_index([make_spec("tag", "x", [edited])], utc))
    assert row_for(doc, "tag", "x").xpath("string(.//time/@datetime)") == "2024-01-05"


def test_links_are_relative_and_percent_encoded(page: lxml.html.HtmlElement) -> None:
    assert row_links(row_for(page, "site")) == {"Atom": "atom.xml", "RSS": "rss.xml", "JSON": "feed.json"}
    assert row_links(row_for(page, "articles"))["Atom"] == "articles/atom.xml"
    assert row_links(row_for(page, "category", "news"))["RSS"] == "categories/news/rss.xml"
    chinese = row_links(row_for(page, "tag", CHINESE))["JSON"]
    assert chinese == f"tags/{quote(CHINESE)}/feed.json"
    assert chinese.isascii()
    # Every link resolves to the file the writer puts there, whatever the folder's URL.
    specs = {s.kind + s.key: s for s in make_specs()}
    for row in rows(page):
        spec = specs[row.get("data-kind") + (row.get("data-key") or "")]
        for href in row_links(row).values():
            assert "://" not in href and not href.startswith("/")
            prefix = f"{spec.path}/" if spec.path else ""
            assert unquote(href).startswith(prefix)
            assert f"{BASE}{href}" in spec.self_urls.values()


def test_only_configured_formats_are_linked() -> None:
    config = make_config(formats=["rss", "json"])
    doc = lxml.html.fromstring(render_index(make_specs(), config))
    assert set(row_links(row_for(doc, "tag", "linux"))) == {"RSS", "JSON"}
    types = doc.xpath("//head/link[@rel='alternate']/@type")
    assert types == ["application/rss+xml", "application/feed+json"]


def test_autodiscovery_points_at_the_site_feed(page: lxml.html.HtmlElement) -> None:
    links = page.xpath("//head/link[@rel='alternate']")
    assert [(link.get("type"), link.get("href")) for link in links] == [
        ("application/atom+xml", "atom.xml"),
        ("application/rss+xml", "rss.xml"),
        ("application/feed+json", "feed.json"),
    ]
    assert all(link.get("title") for link in links)


def test_hostile_names_stay_text() -> None:
    raw = render_index(make_specs(), make_config())
    doc = lxml.html.fromstring(raw)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1  # the filter's own
    assert "alert" not in scripts[0].text_content()
    assert not doc.xpath("//@onmouseover")
    assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]
    assert b"<script>alert" not in raw
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert b"R&amp;D" in raw and b"R&D" not in raw
    row = row_for(doc, "tag", slugify(QUOTED))
    assert row.get("data-name").startswith(QUOTED)


def test_hostile_site_title_and_language() -> None:
    site = {"title": "</title><script>x()</script>", "base_url": BASE, "language": '"><b', "description": "<i>d</i>"}
    doc = lxml.html.fromstring(render_index(make_specs(), make_config(site=site)))
    assert doc.get("lang") == '"><b'
    assert doc.findtext(".//title") == "</title><script>x()</script> · feeds"
    assert len(doc.xpath("//script")) == 1
    assert not doc.xpath("//b | //i")


def test_filter_box_is_hidden_until_the_script_shows_it(page: lxml.html.HtmlElement) -> None:
    box = page.get_element_by_id("filter")
    assert box.get("hidden") is not None
    assert box.xpath(".//input[@type='search']")
    assert 'getElementById("filter")' in page.xpath("string(//script)")
    # Without JS nothing hides a row.
    assert not page.xpath("//li[@hidden]")
    filterable = page.xpath("//li[@data-name]")
    assert {r.get("data-kind") for r in filterable} == {"category", "tag"}


def test_site_only_page_has_no_filter() -> None:
    doc = lxml.html.fromstring(render_index([make_spec("site", "", ALL)], make_config()))
    assert not doc.xpath("//input") and not doc.xpath("//script")


def test_index_is_deterministic() -> None:
    specs = make_specs()
    first = render_index(specs, make_config())
    assert render_index(specs, make_config()) == first
    assert render_index(list(reversed(specs)), make_config()) == first


def parse_opml(raw: bytes) -> etree._Element:
    return etree.fromstring(raw)


def test_opml_groups_and_urls() -> None:
    raw = render_opml(make_specs(), make_config())
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = parse_opml(raw)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "T · feeds"
    assert root.findtext("head/dateModified") == "Sat, 06 Jan 2024 04:30:00 +0800"
    groups = root.findall("body/outline")
    assert [g.get("text") for g in groups] == ["Site", "Categories", "Tags"]
    site, categories, tags = ([o.get("xmlUrl") for o in g.findall("outline")] for g in groups)
    assert site == [f"{BASE}atom.xml", f"{BASE}articles/atom.xml"]
    assert categories == [f"{BASE}categories/digest/atom.xml", f"{BASE}categories/news/atom.xml"]
    assert f"{BASE}tags/{quote(CHINESE)}/atom.xml" in tags
    assert len(tags) == 5
    for feed in root.iterfind("body/outline/outline"):
        assert feed.get("type") == "rss"
        assert feed.get("htmlUrl") == BASE
        assert feed.get("text") == feed.get("title")


def test_opml_escapes_names() -> None:
    raw = render_opml(make_specs(), make_config())
    assert b"<script>" not in raw
    texts = {o.get("text") for o in parse_opml(raw).iterfind("body/outline/outline")}
    assert {f"T · {HOSTILE}", f"T · {QUOTED}", f"T · {AMP}", f"T · {CHINESE}"} <= texts


def test_opml_falls_back_to_the_first_configured_format() -> None:
    root = parse_opml(render_opml(make_specs(), make_config(formats=["json", "rss"])))
    urls = [o.get("xmlUrl") for o in root.iterfind("body/outline/outline")]
    assert urls[0] == f"{BASE}feed.json"
    assert all(u.endswith("/feed.json") for u in urls)


def test_opml_leaves_out_empty_groups_and_is_deterministic() -> None:
    specs = [make_spec("articles", "", ALL), make_spec("site", "", ALL)]
    first = render_opml(specs, make_config())
    assert render_opml(list(reversed(specs)), make_config()) == first
    root = parse_opml(first)
    assert [g.get("text") for g in root.findall("body/outline")] == ["Site"]
    empty = parse_opml(render_opml([make_spec("site", "", [])], make_config()))
    assert empty.find("head/dateModified") is None


def test_the_opml_date_of_a_feed_from_before_1901_has_a_writable_offset() -> None:
    config = config_from_mapping({"site": {"title": "T", "base_url": BASE, "timezone": "Asia/Shanghai"}})
    when = datetime(1899, 6, 1, tzinfo=UTC).timestamp()
    ref = EntryRef("https://example.org/old/", -when, when, (), (), 0, "old.md", b"")
    opml = render_opml(plan_feeds([PostIndex("old.md", (), None, ref, (ref,))], config), config).decode()
    assert "+0805" not in opml and "Thu, 01 Jun 1899 00:00:00 +0000" in opml


def test_a_chinese_index_counts_in_chinese_and_links_each_feed_to_its_page() -> None:
    config = make_config(site={"title": "T", "base_url": BASE, "language": "zh-CN"})
    doc = lxml.html.fromstring(render_index(make_specs(), config))
    assert row_for(doc, "tag", slugify(AMP)).xpath("string(.//span[@class='count'])") == "最新 1 条，共 7 条"
    assert row_for(doc, "site").xpath("string(.//span[@class='count'])") == "共 3 条"
    assert row_for(doc, "site").xpath("string(.//a[@class='page']/@href)") == "feed.html"
    chinese = row_for(doc, "tag", CHINESE).xpath("string(.//a[@class='page']/@href)")
    assert chinese == f"tags/{quote(CHINESE)}/index.html" and chinese.isascii()
