"""Images every reader finds, always valid Atom, and the feeds' small details (issue 18).

The feeds are built as a cron run builds them (the engine, with its cache, which renders an article's
Markdown only when a feed that holds it is written) and read back with lxml and feedparser; the sample
site's feeds are also read by rss-parser, the most used Node feed parser, when node is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
import yaml
from lxml import etree

from feedwright.cli import main
from feedwright.config import Config, ConfigError, SanitizeConfig
from feedwright.engine.build import BuildOptions, run_build
from feedwright.markup import MarkdownRenderer, to_html
from feedwright.pipeline import build_site, read_site
from feedwright.render.common import sy_update
from feedwright.split.article import body_image

from .conftest import NOW, write_post
from .regenerate_golden import REPO, build, copy_sample

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
SY = "{http://purl.org/rss/1.0/modules/syndication/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
NODE_DIR = REPO / ".ci" / "node"

POSTS = {
    # A front matter image, which the body shows too.
    "cover.md": "---\ntitle: Cover\ndate: 2024-01-01\nimage: /img/cover.jpg\n---\n![c](/img/cover.jpg)\n\nText.\n",
    # No front matter image: the body's first picture, after a tracking pixel and a data: image.
    "body.md": (
        "---\ntitle: Body\ndate: 2024-01-02\n---\nIntro.\n\n"
        '<img src="https://t.example/px.gif" width="1" height="1">\n\n'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">\n\n'
        "![first](pics/first.png) and ![second](/img/second.jpg)\n"
    ),
    # A lazy-loaded picture: its data-src is the picture.
    "lazy.md": (
        "---\ntitle: Lazy\ndate: 2024-01-03\n---\n"
        '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/lazy.webp" loading="lazy"></p>\n'
    ),
    # No picture at all.
    "plain.md": "---\ntitle: Plain\ndate: 2024-01-04\n---\nJust text, `<img src=x>` in code.\n",
    # A front matter image the body does not show, and one outside the site.
    "away.md": "---\ntitle: Away\ndate: 2024-01-05\nimage: https://cdn.example/a.png\n---\nText.\n",
}
IMAGES = {
    "Cover": "https://linux.cn/img/cover.jpg",
    "Body": "https://linux.cn/body/pics/first.png",
    "Lazy": "https://linux.cn/img/lazy.webp",
    "Plain": None,
    "Away": "https://cdn.example/a.png",
}


def _site(tmp_path: Path, make_config: Callable[..., Config], **overrides: Any) -> Config:
    posts = tmp_path / "posts"
    for name, text in POSTS.items():
        write_post(posts, name, text)
    static = tmp_path / "static" / "img"
    static.mkdir(parents=True)
    (static / "cover.jpg").write_bytes(b"x" * 1234)
    (static / "lazy.webp").write_bytes(b"y" * 77)
    site = {"static": "static", **overrides.pop("site", {})}
    return make_config(posts, site=site, **overrides)


def _built(config: Config) -> Path:
    report = run_build(config, BuildOptions(now=NOW))
    assert report.aborted is None and report.posts_rejected == 0, report.problems
    return config.output_dir()


def _by_title(elements: list[etree._Element], title_path: str) -> dict[str, etree._Element]:
    return {e.findtext(title_path): e for e in elements}


def test_every_item_carries_its_image_in_every_format(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    config = _site(tmp_path, make_config)
    out = _built(config)
    items = _by_title(etree.parse(str(out / "rss.xml")).getroot().findall("channel/item"), "title")
    entries = _by_title(etree.parse(str(out / "atom.xml")).getroot().findall(f"{ATOM}entry"), f"{ATOM}title")
    json_items = {i["title"]: i for i in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]}
    lengths = {"Cover": "1234", "Lazy": "77"}  # files under site.static; the others are unknown: 0
    types = {"Cover": "image/jpeg", "Body": "image/png", "Lazy": "image/webp", "Away": "image/png"}
    for title, image in IMAGES.items():
        item, entry, json_item = items[title], entries[title], json_items[title]
        if image is None:
            assert item.find("enclosure") is None and item.find(f"{MEDIA}content") is None
            assert entry.find(f"{MEDIA}thumbnail") is None and "image" not in json_item
            continue
        enclosure = item.find("enclosure")
        assert dict(enclosure.attrib) == {"url": image, "length": lengths.get(title, "0"), "type": types[title]}
        for element in (item, entry):
            assert element.find(f"{MEDIA}content").get("url") == image
            assert element.find(f"{MEDIA}content").get("medium") == "image"
            assert element.find(f"{MEDIA}thumbnail").get("url") == image
        (link,) = [a for a in entry.findall(f"{ATOM}link") if a.get("rel") == "enclosure"]
        assert link.get("href") == image and link.get("type") == types[title]
        assert link.get("length") == lengths.get(title)
        assert json_item["image"] == image
    # feedparser finds each one as an enclosure and as media.
    for parsed in feedparser.parse((out / "rss.xml").read_bytes()).entries:
        image = IMAGES[parsed.title]
        assert [e.href for e in parsed.enclosures] == ([image] if image else [])
        assert [m["url"] for m in parsed.get("media_thumbnail", [])] == ([image] if image else [])


def test_the_engine_and_show_agree_on_body_images(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    """A cron run renders an article's Markdown late (after its header is cached); its image is still its body's."""
    config = _site(tmp_path, make_config)
    results, _ = read_site(config, NOW)
    assert {r.entries.article.title: r.entries.article.image for r in results if r.entries} == IMAGES
    out = _built(config)
    reference = build_site(config, NOW)
    for name in ("rss.xml", "atom.xml", "feed.json", "articles/rss.xml"):
        assert (out / name).read_bytes() == reference.files[name], name
    # A warm run (every post from the cache) writes the same.
    before = (out / "rss.xml").read_bytes()
    _built(config)
    assert (out / "rss.xml").read_bytes() == before


def test_body_image_skips_pixels_and_data() -> None:
    assert body_image("<p>none</p>") is None
    assert body_image('<img src="data:image/png;base64,AAAA"><img src="https://a.example/b.jpg">') == (
        "https://a.example/b.jpg"
    )
    assert body_image('<IMG SRC="https://a.example/p.gif" WIDTH="1"><img src="https://a.example/c.jpg">') == (
        "https://a.example/c.jpg"
    )
    assert body_image('<img height="0px" src="https://a.example/p.gif">') is None
    assert (
        body_image('<img alt="a > b" src="https://a.example/e.jpg?x=1&amp;y=2">') == "https://a.example/e.jpg?x=1&y=2"
    )
    assert body_image('<!-- <img src="https://a.example/hidden.jpg"> --><img src="https://a.example/d.jpg">') == (
        "https://a.example/d.jpg"
    )


def test_image_in_content(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    config = _site(tmp_path, make_config, site={"image_in_content": True})
    out = _built(config)
    items = _by_title(etree.parse(str(out / "rss.xml")).getroot().findall("channel/item"), "title")

    def pictures(title: str) -> list[str]:
        html = items[title].findtext(CONTENT) or ""
        images = lxml.html.fragment_fromstring(html, create_parent="div").iter("img")
        return [img.get("src") for img in images if img.get("src")]

    # Shown at the top when the body does not show it; never twice; nothing added without a front matter image.
    assert pictures("Away") == ["https://cdn.example/a.png"]
    assert pictures("Cover") == ["https://linux.cn/img/cover.jpg"]
    assert pictures("Body") == [
        "https://t.example/px.gif",
        "https://linux.cn/body/pics/first.png",
        "https://linux.cn/img/second.jpg",
    ]
    assert pictures("Plain") == []
    # Off by default.
    plain = _built(_site(tmp_path / "off", make_config))
    off = _by_title(etree.parse(str(plain / "rss.xml")).getroot().findall("channel/item"), "title")
    assert "<img" not in (off["Away"].findtext(CONTENT) or "")


def test_lazy_images_are_promoted_before_sanitising() -> None:
    body = (
        '<img src="data:image/gif;base64,R0lG" data-src="/a.jpg"'
        ' data-srcset="/a.jpg 1x, a@2x.jpg 2x" loading="lazy">\n\n'
        '<img class="lazy" data-original="b.png" width="600">\n\n'
        '<picture><source data-srcset="c.webp" type="image/webp"><img data-lazy-src="c.jpg"></picture>\n\n'
        '<img src="x.jpg" srcset="javascript:alert(1) 1x, https://cdn.example/w_600,h_400/y.jpg 2x">\n\n'
        '```html\n<img data-src="code.jpg">\n```\n'
    )
    for enabled in (True, False):
        html = to_html(MarkdownRenderer(), body, "https://example.org/p/", SanitizeConfig(enabled=enabled))
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        images = [(img.get("src"), img.get("srcset"), img.get("loading")) for img in root.iter("img")]
        assert images == [
            ("https://example.org/a.jpg", "https://example.org/a.jpg 1x, https://example.org/p/a@2x.jpg 2x", "lazy"),
            ("https://example.org/p/b.png", None, None),
            ("https://example.org/p/c.jpg", None, None),
            ("https://example.org/p/x.jpg", "https://cdn.example/w_600,h_400/y.jpg 2x", None),
        ], enabled
        assert [s.get("srcset") for s in root.iter("source")] == ["https://example.org/p/c.webp"]
        assert "data-src" not in html.replace("data-src=&quot;code.jpg", "").replace('data-src="code.jpg', "")
        assert "data:image" not in html
        assert root.xpath("//code")[0].text_content() == '<img data-src="code.jpg">\n'


# --- always valid Atom ------------------------------------------------------------------------------


def test_a_feed_without_site_author_names_the_site(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    config = _site(tmp_path, make_config, site={"author": {}})
    assert not config.site.author.name
    out = _built(config)
    root = etree.parse(str(out / "atom.xml")).getroot()
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Linux 中国"
    # Every entry has an author of its own or the feed's (RFC 4287 4.1.1): here the feed's.
    assert all(e.find(f"{ATOM}author") is None for e in root.findall(f"{ATOM}entry"))
    parsed = feedparser.parse((out / "atom.xml").read_bytes())
    assert parsed.feed.author == "Linux 中国"
    assert not parsed.bozo
    feed = json.loads((out / "feed.json").read_bytes())
    assert feed["authors"] == [{"name": "Linux 中国"}] and feed["author"] == {"name": "Linux 中国"}
    for tag_feed in (out / "tags").glob("*/atom.xml"):
        assert etree.parse(str(tag_feed)).getroot().findtext(f"{ATOM}author/{ATOM}name") == "Linux 中国"


def test_check_says_once_that_the_site_title_is_the_author(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = tmp_path / "posts"
    for name, text in POSTS.items():
        write_post(posts, name, text)
    config_file = tmp_path / "config.yaml"
    data = {"site": {"title": "My site", "base_url": "https://example.org/"}, "posts": "posts"}
    config_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["check", "-c", str(config_file)]) == 0
    err = capsys.readouterr().err.splitlines()
    warning = f"{config_file}: warning: no site.author: feeds name the site title 'My site' as their author"
    assert err.count(warning) == 1
    assert sum("site.author" in line for line in err) == 1
    data["site"]["author"] = {"name": "Me"}
    config_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["check", "-c", str(config_file)]) == 0
    assert "site.author" not in capsys.readouterr().err


# --- the small ones ---------------------------------------------------------------------------------


def test_json_feed_author_and_favicon(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    config = _site(tmp_path, make_config, site={"icon": "https://linux.cn/logo.png"})
    feed = json.loads((_built(config) / "feed.json").read_bytes())
    assert feed["icon"] == feed["favicon"] == "https://linux.cn/logo.png"
    assert feed["author"] == {"name": "Linux 中国"}
    for item in feed["items"]:
        assert item["author"] == item["authors"][0]
    config = _site(tmp_path / "fav", make_config, site={"favicon": "https://linux.cn/favicon.ico"})
    feed = json.loads((_built(config) / "feed.json").read_bytes())
    assert feed["favicon"] == "https://linux.cn/favicon.ico" and "icon" not in feed


def test_atom_links_the_home_page_before_itself(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    out = _built(_site(tmp_path, make_config))
    for name in ("atom.xml", "articles/atom.xml", "tags/linux/atom.xml"):
        if not (out / name).exists():
            continue
        links = etree.parse(str(out / name)).getroot().findall(f"{ATOM}link")
        assert [link.get("rel") for link in links[:2]] == ["alternate", "self"], name
    channel = etree.parse(str(out / "rss.xml")).getroot().find("channel")
    assert channel.findtext("link") == "https://linux.cn/"


@pytest.mark.parametrize(
    ("ttl", "period"), [(60, ("hourly", 1)), (30, ("hourly", 2)), (90, ("daily", 16)), (1440, ("daily", 1)), (0, None)]
)
def test_how_often_to_poll(
    tmp_path: Path, make_config: Callable[..., Config], ttl: int, period: tuple[str, int] | None
) -> None:
    out = _built(_site(tmp_path, make_config, limits={"ttl": ttl}))
    channel = etree.parse(str(out / "rss.xml")).getroot().find("channel")
    atom = etree.parse(str(out / "atom.xml")).getroot()
    if period is None:
        assert channel.find("ttl") is None and channel.find(f"{SY}updatePeriod") is None
        assert atom.find(f"{SY}updatePeriod") is None
        return
    assert channel.findtext("ttl") == str(ttl)
    for parent in (channel, atom):
        assert (parent.findtext(f"{SY}updatePeriod"), int(parent.findtext(f"{SY}updateFrequency"))) == period
    assert feedparser.parse((out / "rss.xml").read_bytes()).feed.ttl == str(ttl)


def test_sy_update_periods() -> None:
    assert sy_update(1) == ("hourly", 60)
    assert sy_update(10080) == ("weekly", 1)
    assert sy_update(525_600) == ("yearly", 1)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"limits": {"ttl": -1}}, "limits.ttl"),
        ({"limits": {"ttl": 10_000_000}}, "limits.ttl"),
        ({"limits": {"ttl": "often"}}, "limits.ttl"),
        ({"site": {"image_in_content": "yes"}}, "site.image_in_content"),
        ({"site": {"favicon": "javascript:alert(1)"}}, "site.favicon"),
        ({"site": {"static": ["a"]}}, "site.static"),
    ],
)
def test_new_keys_are_checked(make_config: Callable[..., Config], overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        make_config("posts", **overrides)


def test_rss_description_shows_its_text_as_text(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    """Readers take <description> as HTML: a summary that reads like markup is shown as written."""
    posts = tmp_path / "posts"
    summary = "Use <br> and <T> in a < b > c; Tom & Jerry"
    write_post(posts, "s.md", f"---\ntitle: S\ndate: 2024-01-01\nsummary: {json.dumps(summary)}\n---\nBody.\n")
    out = _built(make_config(posts))
    (item,) = etree.parse(str(out / "rss.xml")).getroot().findall("channel/item")
    shown = lxml.html.fragment_fromstring(item.findtext("description"), create_parent="div")
    assert len(shown) == 0 and shown.text_content() == summary
    (parsed,) = feedparser.parse((out / "rss.xml").read_bytes()).entries
    assert lxml.html.fragment_fromstring(parsed.summary, create_parent="div").text_content() == summary


# --- a real reader: rss-parser (npm) ----------------------------------------------------------------

RSS_PARSER_SCRIPT = """
const Parser = require('rss-parser');
const fs = require('fs');
(async () => {
  const parser = new Parser();
  const out = {};
  for (const file of process.argv.slice(2)) {
    const feed = await parser.parseString(fs.readFileSync(file, 'utf8'));
    out[file] = feed.items.map((i) => ({id: i.guid || i.id || i.link, title: i.title,
                                         enclosure: i.enclosure ? i.enclosure.url : null}));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def needs_rss_parser() -> str:
    node = shutil.which("node")
    reason = ""
    if node is None:
        reason = "node is not installed (Debian: apt-get install -y nodejs npm; .ci/run installs it)"
    elif not (NODE_DIR / "node_modules" / "rss-parser").is_dir():
        reason = f"rss-parser is not installed (npm install --prefix {NODE_DIR} rss-parser; .ci/run installs it)"
    if reason:
        if os.environ.get("FEEDWRIGHT_REQUIRE_READERS"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert node is not None
    return node


def test_rss_parser_finds_every_image_of_the_sample_site(tmp_path: Path) -> None:
    node = needs_rss_parser()
    out = build(copy_sample(tmp_path / "site"))
    files = [out / "rss.xml", out / "articles" / "rss.xml", *sorted((out / "tags").glob("*/rss.xml"))]
    script = tmp_path / "parse.js"
    script.write_text(RSS_PARSER_SCRIPT, encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
    done = subprocess.run(
        [node, str(script), *map(str, files)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    with_images = 0
    for file in files:
        expected = {
            item.findtext("guid"): item.find(f"{MEDIA}content").get("url")
            if item.find(f"{MEDIA}content") is not None
            else None
            for item in etree.parse(str(file)).getroot().findall("channel/item")
        }
        got = {item["id"]: item["enclosure"] for item in found[str(file)]}
        assert got == expected, file
        with_images += sum(1 for url in expected.values() if url)
    assert with_images >= 10


@pytest.mark.parametrize(
    "raw",
    [
        '<img srcset="javascript:alert(1) 1x, /a.jpg 2x" src="x.jpg">',
        '<img data-srcset="javascript:alert(1) 1x">',
        '<!--> <img srcset="javascript:alert(2) 1x"> -->',
        '<picture><source srcset=" JaVaScRiPt:alert(3) , data:text/html,x 2x"></picture>',
        "<img srcset='vbscript:x 1x' data-src='javascript:alert(4)'>",
    ],
)
def test_no_srcset_carries_a_script_url(raw: str) -> None:
    """The sanitiser checks no URL in a srcset; every one kept is absolute http(s)."""
    html = to_html(MarkdownRenderer(), raw, "https://example.org/p/", SanitizeConfig())
    lowered = html.lower()
    assert "javascript:" not in lowered and "vbscript:" not in lowered and "data:" not in lowered, html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter("img", "source"):
        for candidate in (element.get("srcset") or "").split(", "):
            assert not candidate or candidate.startswith("https://example.org/"), html
