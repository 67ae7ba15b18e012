"""Atom, RSS and JSON Feed output of a small site, parsed back and checked field by field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feedwright import markup
from feedwright.config import Config, SanitizeConfig
from feedwright.engine.build import BuildOptions, run_build
from feedwright.model import Author, Entry, FeedKind, FeedSpec
from feedwright.render import RENDERERS, render_formats
from feedwright.render.urls import feed_urls

from .conftest import NOW, write_post

ATOM = "{http://www.w3.org/2005/Atom}"

FIRST = """---
title: 'First post \\r\\n'
date: '2023-01-17 19:01:21'
tags: [Linux, Python]
category: 技术
author: 老王
largepic: /data/attachment/album/202301/17/a.jpg
permalink: /article-1-1.html
summary: "A summary\\r\\n"
---

Hello [site link](/article-2-1.html) and ![pic](/data/b.png "t").
"""

SECOND = """---
title: Second post
date: 2024-02-01T08:00:00+01:00
lastmod: 2024-02-03T08:00:00+01:00
tags: linux, Rust
categories: [Notes]
id: urn:uuid:5f1c9f0e-0000-4000-8000-000000000001
author: {name: Ann, email: ann@example.org}
---

Text with <script>alert(1)</script> and <a href="javascript:alert(2)" onclick="x()">a link</a>.
"""


@pytest.fixture
def site(tmp_path: Path, make_config: Callable[..., Config]) -> tuple[Config, Path]:
    posts = tmp_path / "posts"
    write_post(posts, "a/first.md", FIRST)
    write_post(posts, "b/second.md", SECOND)
    config = make_config(posts)
    report = run_build(config, BuildOptions(now=NOW))
    assert report.posts_read == 2, report.problems
    return config, config.output_dir()


def test_atom_fields(site: tuple[Config, Path]) -> None:
    _, out = site
    root = etree.parse(str(out / "atom.xml")).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": "https://linux.cn/atom.xml", "alternate": "https://linux.cn/"}
    # The feed's time is its newest entry's (SECOND's lastmod), never the build time.
    assert root.findtext(f"{ATOM}updated") == "2024-02-03T15:00:00+08:00"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Second post", "First post"]
    first = entries[1]
    assert first.findtext(f"{ATOM}id") == "https://linux.cn/article-1-1.html"
    assert first.findtext(f"{ATOM}published") == "2023-01-17T19:01:21+08:00"
    assert first.findtext(f"{ATOM}summary") == "A summary"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert sorted(c.get("term") for c in first.findall(f"{ATOM}category")) == ["Linux", "Python", "技术"]
    enclosure = [link for link in first.findall(f"{ATOM}link") if link.get("rel") == "enclosure"]
    assert len(enclosure) == 1
    assert enclosure[0].get("href") == "https://linux.cn/data/attachment/album/202301/17/a.jpg"
    assert enclosure[0].get("type") == "image/jpeg"
    alternate = [link for link in first.findall(f"{ATOM}link") if link.get("rel") in (None, "alternate")]
    assert [link.get("href") for link in alternate] == ["https://linux.cn/article-1-1.html"]


def test_content_is_absolute_and_sanitised(site: tuple[Config, Path]) -> None:
    _, out = site
    parsed = feedparser.parse((out / "atom.xml").read_bytes())
    second, first = parsed.entries
    assert 'href="https://linux.cn/article-2-1.html"' in first.content[0].value
    assert 'src="https://linux.cn/data/b.png"' in first.content[0].value
    raw = (out / "atom.xml").read_text(encoding="utf-8")
    assert "alert(1)" not in raw
    assert "javascript:" not in raw
    assert "onclick" not in raw
    assert "a link" in second.content[0].value


def test_rss_fields(site: tuple[Config, Path]) -> None:
    _, out = site
    root = etree.parse(str(out / "rss.xml")).getroot()
    channel = root.find("channel")
    assert channel.findtext("link") == "https://linux.cn/"
    assert channel.findtext("language") == "zh-CN"
    assert channel.findtext("lastBuildDate") == "Sat, 03 Feb 2024 15:00:00 +0800"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "https://linux.cn/rss.xml"
    items = channel.findall("item")
    second, first = items
    assert first.find("guid").get("isPermaLink") == "true"
    assert first.findtext("guid") == "https://linux.cn/article-1-1.html"
    assert second.find("guid").get("isPermaLink") == "false"
    assert second.findtext("guid") == "urn:uuid:5f1c9f0e-0000-4000-8000-000000000001"
    assert first.findtext("{http://purl.org/dc/elements/1.1/}creator") == "老王"
    assert second.findtext("author") == "ann@example.org (Ann)"
    media = first.find("{http://search.yahoo.com/mrss/}content")
    assert media.get("url") == "https://linux.cn/data/attachment/album/202301/17/a.jpg"
    assert media.get("medium") == "image"
    assert first.findtext("pubDate") == "Tue, 17 Jan 2023 19:01:21 +0800"
    assert not feedparser.parse((out / "rss.xml").read_bytes()).bozo


def test_json_feed(site: tuple[Config, Path]) -> None:
    _, out = site
    data = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == "https://linux.cn/feed.json"
    assert data["language"] == "zh-CN"
    second, first = data["items"]
    assert first["id"] == "https://linux.cn/article-1-1.html"
    assert first["image"] == "https://linux.cn/data/attachment/album/202301/17/a.jpg"
    assert first["date_published"] == "2023-01-17T19:01:21+08:00"
    assert first["tags"] == ["技术", "Linux", "Python"]
    assert second["date_modified"] == "2024-02-03T15:00:00+08:00"
    # What the feed is and how to subscribe, in the site's language (zh-CN here), with the feed's URL.
    assert data["user_comment"].startswith("这是「Linux 中国」的 JSON Feed 订阅源")
    assert data["user_comment"].endswith("：https://linux.cn/feed.json")
    tag = json.loads((out / "tags" / "rust" / "feed.json").read_text(encoding="utf-8"))
    assert tag["user_comment"].endswith("https://linux.cn/tags/rust/feed.json")


def test_json_user_comment_in_english_for_other_languages(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "a.md", SECOND)
    config = make_config(posts, site={"language": "fr"})
    run_build(config, BuildOptions(now=NOW))
    data = json.loads((config.output_dir() / "feed.json").read_text(encoding="utf-8"))
    assert data["user_comment"] == (
        f"This is a JSON Feed of {config.site.title}. To subscribe, add this address to a feed reader: "
        f"{data['feed_url']}"
    )


def test_tag_and_category_feeds(site: tuple[Config, Path]) -> None:
    _, out = site
    linux = feedparser.parse((out / "tags" / "linux" / "atom.xml").read_bytes())
    # 'Linux' and 'linux' are one tag; the feed is titled with the spelling used most (ties: first by sort).
    assert len(linux.entries) == 2
    assert linux.feed.title == "Linux 中国 · Linux"
    # The home page comes first (readers that take the first link for the site), then the feed itself.
    assert [(link.rel, link.href) for link in linux.feed.links[:2]] == [
        ("alternate", "https://linux.cn/"),
        ("self", "https://linux.cn/tags/linux/atom.xml"),
    ]
    rust = feedparser.parse((out / "tags" / "rust" / "rss.xml").read_bytes())
    assert [e.title for e in rust.entries] == ["Second post"]
    category = feedparser.parse((out / "categories" / "技术" / "atom.xml").read_bytes())
    assert [e.title for e in category.entries] == ["First post"]
    assert category.feed.links[1].href == "https://linux.cn/categories/%E6%8A%80%E6%9C%AF/atom.xml"
    articles = feedparser.parse((out / "articles" / "atom.xml").read_bytes())
    assert len(articles.entries) == 2


def test_output_does_not_depend_on_build_time(site: tuple[Config, Path]) -> None:
    config, out = site
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    later = datetime(2030, 1, 1, tzinfo=UTC)
    report = run_build(config, BuildOptions(now=later))
    assert report.files_written == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_feeds_served_under_another_url(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "first.md", FIRST)
    config = make_config(posts, site={"feeds_url": "https://cdn.example.org/feeds"})
    run_build(config, BuildOptions(now=NOW))
    out = config.output_dir()
    parsed = feedparser.parse((out / "tags" / "linux" / "atom.xml").read_bytes())
    assert {link.rel: link.href for link in parsed.feed.links} == {
        "self": "https://cdn.example.org/feeds/tags/linux/atom.xml",
        "alternate": "https://linux.cn/",
    }
    # Entry links stay on the site itself.
    assert parsed.entries[0].link == "https://linux.cn/article-1-1.html"
    opml = (out / "feeds.opml").read_text(encoding="utf-8")
    assert 'xmlUrl="https://cdn.example.org/feeds/atom.xml"' in opml


# --- markup: the fast paths give what the plain calls gave ---------------------------------------


def _sanitize_reference(html: str, config: SanitizeConfig) -> str:
    """sanitize as first written: nh3.clean with the host filter on every call."""
    hosts = {h.lower() for h in config.iframe_hosts}

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe" and attr == "src":
            parts = urlsplit(value)
            if parts.scheme != "https" or (parts.hostname or "").lower() not in hosts:
                return None
        return value

    cleaned = nh3.clean(
        html,
        tags=markup._ALLOWED_TAGS,
        attributes=markup._ALLOWED_ATTRS,
        url_schemes=markup._SAFE_SCHEMES,
        attribute_filter=keep,
        link_rel=None,
        strip_comments=True,
    )
    return markup._EMPTY_IFRAME.sub("", cleaned)


SANITIZE_CONFIGS = [
    SanitizeConfig(),
    SanitizeConfig(iframe_hosts=("Player.Vimeo.COM", "evil.example")),
    SanitizeConfig(iframe_hosts=()),
]
HTML_CASES = [
    "",
    "plain text, no tags",
    '<p>Hi <a href="https://example.org/" title="t" onclick="x()">a</a></p>',
    '<iframe src="https://www.youtube.com/embed/x" width="560" allowfullscreen></iframe>',
    '<IFRAME SRC="https://WWW.YOUTUBE.COM/embed/x"></IFRAME>',
    '<IfRaMe src="http://www.youtube.com/embed/x"></iFrAmE>after',
    '<iframe src="https://evil.example/x" title="t"></iframe><p>kept</p>',
    '<iframe src="https://player.vimeo.com/v/1"></iframe><iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<iframe\nsrc="https://player.bilibili.com/x"\n></iframe>',
    '<a href="javascript:alert(1)">j</a><a href="JaVaScRiPt:alert(1)">J</a><a href="java&#09;script:x">t</a>',
    '<a href="&#106;avascript:alert(1)">entity</a><img src="data:image/png;base64,AAAA" alt="d">',
    "<script>alert(1)</script><style>p{}</style><!-- comment --><p style='color:red'>s</p>",
    '<a title="&lt;iframe x&gt;">attr that reads like a tag</a></iframe>',
    '<p title="<iframe>">x</p><iframe src="https://evil.example/"></iframe>',
    "<svg><iframe src='https://evil.example/'></iframe></svg><math><iframe></iframe></math>",
    '<video src="https://example.org/v.mp4" poster="https://example.org/p.jpg" controls></video>',
    '<table><tr><td align="left" colspan="2" onmouseover="x">c</td></tr></table><code class="lang-py">x</code>',
    "<div><p>unclosed <b>bold <i>both</p></div>&amp; &lt;iframe&gt; &#x3C;iframe&#x3E;",
    '<a href="https://example.org/?a=1&amp;b=2" rel="nofollow" name="n">q</a><ol start="3"><li>x</li></ol>',
    "<\x00iframe src='https://evil.example/'></iframe><ifr\x00ame src='https://evil.example/'></ifr\x00ame>",
    "<İframe src='https://evil.example/'></iframe><ıframe src='https://evil.example/'></ıframe>",
]


@pytest.mark.parametrize("config", SANITIZE_CONFIGS, ids=["default", "other-hosts", "no-hosts"])
@pytest.mark.parametrize("html", HTML_CASES)
def test_sanitize_matches_the_plain_nh3_call(html: str, config: SanitizeConfig) -> None:
    assert markup.sanitize(html, config) == _sanitize_reference(html, config)


HTML_PARTS = st.sampled_from(
    ["<iframe", "<IFRAME", "<IfRaMe", "</iframe>", "</IFRAME>", "<a", "</a>", "<img", "<p>", "</p>", "<div",
     "<script>", "</script>", "<video", "<source", "<!--", "-->", ">", " ", "\n", "\t", "/>",
     ' src="https://www.youtube.com/embed/1"', " src='https://WWW.YOUTUBE.COM/x'", " SRC=https://player.vimeo.com/v",
     ' src="http://www.youtube.com/x"', ' src="https://evil.example/x"', ' src="javascript:alert(1)"',
     ' src="//www.youtube.com/x"', ' href="javascript:alert(1)"', ' href="JAVASCRIPT:x"', ' href="/relative"',
     ' href="https://example.org/?a=1&amp;b=2"', ' onclick="x()"', ' title="&lt;iframe&gt;"', ' title="<iframe>"',
     ' width="1"', ' allowfullscreen', ' style="color:red"', " id=x", "&amp;", "&lt;", "&#105;frame", "text", "中文"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(HTML_PARTS | st.text(max_size=5), max_size=30), which=st.sampled_from(SANITIZE_CONFIGS))
def test_sanitize_matches_the_plain_nh3_call_on_random_html(parts: list[str], which: SanitizeConfig) -> None:
    html = "".join(parts)
    assert markup.sanitize(html, which) == _sanitize_reference(html, which)


def test_sanitize_still_filters_iframes_and_can_be_off() -> None:
    html = '<p>x</p><iframe src="https://evil.example/"></iframe><IFRAME src="https://www.youtube.com/e"></IFRAME>'
    assert markup.sanitize(html, SanitizeConfig()) == '<p>x</p><iframe src="https://www.youtube.com/e"></iframe>'
    assert markup.sanitize(html, SanitizeConfig(enabled=False)) == html


def _resolve_reference(url: str, page_url: str) -> str | None:
    """A URL attribute's value as first resolved: stripped, then urljoin; None where urljoin raises."""
    url = url.strip()
    try:
        if url.startswith("#"):
            return page_url.split("#", 1)[0] + url
        if urlsplit(url).scheme:
            return url
        return urljoin(page_url, url)
    except ValueError:
        return None


class _Tokens(HTMLParser):
    """What an HTML parser reads in some HTML: tags with their attributes, text, comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[object, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(("unknown", data))


def _tokens(html: str) -> list[tuple[object, ...]]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _absolutized_tokens(html: str, page_url: str) -> list[tuple[object, ...]]:
    """The tokens of `html` with each URL attribute resolved by the reference, or gone where it raises."""
    out: list[tuple[object, ...]] = []
    for token in _tokens(html):
        if token[0] == "start":
            attrs = []
            for name, value in token[2]:  # type: ignore[attr-defined]
                if name in ("href", "src", "poster", "cite") and value is not None:
                    value = _resolve_reference(value, page_url)
                    if value is None:
                        continue
                attrs.append((name, value))
            token = ("start", token[1], tuple(attrs))
        out.append(token)
    return out


PAGE_URLS = [
    "https://linux.cn/article-1-1.html",
    "https://linux.cn/blog/2024/01/post/",
    "HTTPS://User@Linux.CN:8443/a/b?x=1#top",
    "http://example.org",
    "https:///no-host",
    "http:",
    "https://example.org/a;p?q#f",
    "ftp://example.org/dir/",
    "/relative/page.html",
    "",
    "https://[::1]/x",
    "https://例子.测试/文章",
]
URL_CASES = [
    "https://example.org/a/b?c=d#e",
    "http://example.org",
    "HTTPS://EXAMPLE.ORG/x",
    "https://example.org/a&amp;b",
    "https://example.org/a b",
    " https://example.org/x ",
    "https://exa mple.org/",
    "https://[::1]:8080/x",
    "https://例子.测试/文章",
    "https://example.org/文章",
    "https://user:pw@example.org:99/x",
    "https://example.org/\x01x",
    "//cdn.example.org/x.js",
    "/data/attachment/a.jpg",
    "/",
    "/a/../b",
    "/a/./b",
    "/a/..",
    "/.hidden",
    "/a//b",
    "/a;p",
    "/a?",
    "/a?q=1",
    "/a#",
    "/a#frag",
    "/a\tb",
    "/a\nb",
    "/a%2e%2e/b",
    "/文章/图.png",
    "/a&amp;b",
    "/a&quot;b",
    "/a\x7fb",
    "/a\u00a0",
    "relative/x.png",
    "../up.png",
    "./here",
    "?only=query",
    "#frag",
    "",
    "mailto:a@example.org",
    "javascript:alert(1)",
    "data:image/png;base64,AAAA",
]


def _attributes(url: str) -> list[str]:
    escaped = escape(url, quote=True)
    return [f'<a href="{escaped}">x</a>', f"<img src='{escaped}'>", f"<img SRC = {escaped or 'x'}>"]


@pytest.mark.parametrize("page_url", PAGE_URLS)
def test_resolve_url_matches_urljoin(page_url: str) -> None:
    root = markup._site_root(page_url)
    for url in URL_CASES:
        for value in (url, unescape(url)):
            assert markup.resolve_url(value, page_url, root) == _resolve_reference(value, page_url), (value, page_url)


@pytest.mark.parametrize("page_url", PAGE_URLS)
def test_absolutize_resolves_what_a_parser_reads_as_url_attributes(page_url: str) -> None:
    for url in URL_CASES:
        for html in [f'<a href="{url}">raw</a>', *_attributes(url)]:
            assert _tokens(markup.absolutize(html, page_url)) == _absolutized_tokens(html, page_url), (html, page_url)


URL_PARTS = st.sampled_from(
    ["https://", "http://", "HTTP://", "//", "/", "/", "./", "../", "/.", "..", ".", "a", "b.jpg", "例", "?", "#",
     ";", "&amp;", "&", "&#47;", " ", "\t", "\n", "\x00", "\x7f", "[", "]", ":", "@", "%2e", "example.org", "x=1",
     '"', "'", ">", "<", "=", "href=", " src=x", "<a href=y>"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    url=st.lists(URL_PARTS | st.text(max_size=3), max_size=12).map("".join),
    page_url=st.sampled_from(PAGE_URLS) | st.lists(URL_PARTS, max_size=8).map("".join),
    quote=st.sampled_from(['"', "'", ""]),
)
def test_absolutize_resolves_url_attributes_of_random_html(url: str, page_url: str, quote: str) -> None:
    html = (
        f"<p><a href={quote}{url}{quote}>x</a> <img src={quote}{url}{quote}></p><pre><code>{escape(url)}</code></pre>"
    )
    assert _tokens(markup.absolutize(html, page_url)) == _absolutized_tokens(html, page_url)
    root = markup._site_root(page_url)
    assert markup.resolve_url(url, page_url, root) == _resolve_reference(url, page_url)


CODE_SAMPLES = [
    '<pre><code>&lt;a href="about.html"&gt;About&lt;/a&gt;\n&lt;img src=x.png&gt;</code></pre>',
    "<p>Write <code>&lt;a href=&quot;about.html&quot;&gt;</code> or <code>src='pic.png'</code>.</p>",
    '<p>The text src=x.png and href = "y" are words here, not attributes.</p>',
    '<p title="href=about.html src=x.png">an attribute that reads like others</p>',
    "<script>document.write('<a href=\"about.html\">')</script><style>a[href=x]{}</style>",
    "<!-- <a href=about.html> --><textarea>src=x</textarea>",
]


@pytest.mark.parametrize("html", CODE_SAMPLES)
def test_absolutize_leaves_text_that_reads_like_attributes_alone(html: str) -> None:
    assert markup.absolutize(html, "https://example.org/code/") == html


def test_absolutize_rewrites_only_the_urls_that_change() -> None:
    html = (
        "<p><a href='about.html' title=\"href=x\">a</a> <img alt=x src=/a.png> "
        '<a href="https://example.org/kept">b</a> <a href="//[bad">c</a></p>'
    )
    assert markup.absolutize(html, "https://example.org/code/") == (
        '<p><a href="https://example.org/code/about.html" title="href=x">a</a> '
        '<img alt=x src="https://example.org/a.png"> <a href="https://example.org/kept">b</a> <a >c</a></p>'
    )


@pytest.mark.parametrize("config", [SanitizeConfig(), SanitizeConfig(enabled=False)], ids=["sanitised", "raw"])
@pytest.mark.parametrize("html", CODE_SAMPLES)
def test_clean_html_leaves_code_alone(html: str, config: SanitizeConfig) -> None:
    assert markup.clean_html(html, "https://example.org/code/", config) == markup.sanitize(html, config)


@pytest.mark.parametrize("page_url", PAGE_URLS)
@pytest.mark.parametrize("config", SANITIZE_CONFIGS, ids=["default", "other-hosts", "no-hosts"])
def test_clean_html_resolves_as_absolutize_then_sanitize(page_url: str, config: SanitizeConfig) -> None:
    """The sanitiser's hook and the parser walk give the same URLs."""
    for html in [*HTML_CASES, *(h for url in URL_CASES for h in [f'<a href="{url}">raw</a>', *_attributes(url)])]:
        expected = markup.sanitize(markup.absolutize(html, page_url), config)
        assert markup.clean_html(html, page_url, config) == expected, (html, page_url)
        assert markup.clean_html(html, page_url, config) == markup.clean_html(html, page_url, config)


_EVERY_EXTENSION = """\
# Title {#custom .cls}

Term
:   Definition, with an abbreviation: HTML.

*[HTML]: Hyper Text Markup Language

| a | b |
|---|:-:|
| 1 | 2 |

```python
print("fenced")
```

A footnote.[^1]

[^1]: The note.

<div markdown="1">*inside* html</div>

3. three
4. four

* a list
1. not merged (sane lists)

## 二级标题
"""


@given(st.one_of(st.sampled_from(_EVERY_EXTENSION.split("\n\n")), st.text(max_size=200)))
@settings(max_examples=60, deadline=None)
def test_the_renderer_equals_markdown_named_extensions(text: str) -> None:
    import markdown
    from markdown.extensions.toc import slugify_unicode

    named = markdown.Markdown(
        extensions=["extra", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
        output_format="html",
    )
    renderer = markup.MarkdownRenderer()
    for body in (text, _EVERY_EXTENSION):
        named.reset()
        assert renderer.render(body) == named.convert(body)
    whole = renderer.render(_EVERY_EXTENSION)
    for made_by in ("<dl>", "<abbr", "<table>", "<pre><code", 'class="footnote"', "<em>inside</em>", '<ol start="3">'):
        assert made_by in whole, made_by


# --- Atom and RSS written from one FeedGenerator ---------------------------------------------------


def _entry(n: int, image: str | None) -> Entry:
    when = datetime(2024, 3, n, 8, tzinfo=UTC)
    return Entry(
        id=f"https://linux.cn/article-{n}-1.html",
        title=f"Item {n} <&>",
        link=f"https://linux.cn/article-{n}-1.html" if n % 2 else f"https://linux.cn/a/{n}",
        published=when,
        updated=when,
        authors=(Author("老王"), Author("Ann", "ann@example.org")),
        tags=("Linux", "Rust"),
        categories=("硬核观察",),
        summary=f"Summary {n}",
        content_html=f"<p>Text {n}</p>",
        image=image,
        related=(),
        post_id=f"https://linux.cn/article-{n}-1.html",
        index=0,
        source=f"{n}.md",
    )


@pytest.mark.parametrize("formats", [["atom", "rss", "json"], ["rss", "atom"], ["json", "rss"], ["atom"]])
@pytest.mark.parametrize("kind", ["tag", "archive"])
def test_atom_and_rss_from_one_generator_equal_each_written_alone(
    tmp_path: Path, make_config: Callable[..., Config], formats: list[str], kind: FeedKind
) -> None:
    config = make_config(tmp_path, websub={"hub": "https://hub.example.org/"})
    path = "tags/linux" if kind == "tag" else "archive/2024-03"
    spec = FeedSpec(
        path=path,
        kind=kind,
        key="linux",
        title="Linux 中国 · Linux",
        description="posts under Linux",
        home_url=config.base_url,
        self_urls=feed_urls(config.feeds_url, path),
        entries=(_entry(2, "https://linux.cn/p.webp"), _entry(1, None)),
        total=2,
        links=(("prev-archive", "archive/2024-02"),),
    )
    together = render_formats(spec, config, formats)
    alone = [RENDERERS[fmt](spec, config) for fmt in formats]
    assert together == alone
    for fmt, data in zip(formats, together, strict=True):
        # Each file names itself and its archive neighbour in its own format, not the other's.
        other = {"atom": "rss.xml", "rss": "atom.xml", "json": "atom.xml"}[fmt]
        assert spec.self_urls[fmt].encode() in data
        assert f"archive/2024-02/{other}".encode() not in data
