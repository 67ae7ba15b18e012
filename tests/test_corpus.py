"""The real corpus, end to end: build it, parse every feed back, check what readers depend on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree, html

from feedwright.config import Config, config_from_mapping
from feedwright.engine.build import BuildOptions, run_build
from feedwright.slug import slugify

from .conftest import CORPUS, LINUXCN_SITE, NOW, needs_corpus

BIG = {"site": 100_000, "articles": 100_000, "tag": 100_000, "category": 100_000}


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


@pytest.fixture(scope="module")
def corpus_meta() -> dict[str, dict]:
    needs_corpus()
    return {str(p): _front_matter(p) for p in sorted(CORPUS.rglob("*.md"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Path]:
    """One full build shared by the read-only checks of this module."""
    needs_corpus()
    tmp = tmp_path_factory.mktemp("corpus")
    config = config_from_mapping(
        {
            "site": LINUXCN_SITE,
            "posts": str(CORPUS),
            "output": str(tmp / "out"),
            "split": {"categories": ["硬核观察"]},
            "limits": BIG,
        },
        root=tmp,
    )
    report = run_build(config, BuildOptions(now=NOW))
    assert report.posts_read == 155, report.summary()
    assert report.posts_rejected == 0
    assert not report.aborted
    return config, config.output_dir()


def _feeds(out: Path, name: str) -> list[Path]:
    return sorted(out.rglob(name))


def _absolute(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def test_every_feed_parses_and_is_well_formed(built: tuple[Config, Path]) -> None:
    _, out = built
    xml_files = _feeds(out, "atom.xml") + _feeds(out, "rss.xml")
    assert len(xml_files) > 200
    for path in xml_files:
        etree.parse(str(path))  # raises on malformed XML
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path
    for path in _feeds(out, "feed.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["items"]


def test_counts_order_and_unique_ids(built: tuple[Config, Path], corpus_meta: dict[str, dict]) -> None:
    _, out = built
    articles = feedparser.parse((out / "articles" / "atom.xml").read_bytes())
    assert len(articles.entries) == len(corpus_meta) == 155
    site = feedparser.parse((out / "atom.xml").read_bytes())
    digests = sum(1 for m in corpus_meta.values() if (m.get("categories") or m.get("category")) == "硬核观察")
    assert digests == 72
    # Each digest holds at least two news items, so the site feed has more entries than posts.
    assert len(site.entries) >= 155 - digests + 2 * digests
    for path in _feeds(out, "atom.xml"):
        entries = feedparser.parse(path.read_bytes()).entries
        ids = [e.id for e in entries]
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
        times = [e.published_parsed for e in entries]
        assert times == sorted(times, reverse=True), f"{path}: not newest first"


def test_links_and_images_are_absolute(built: tuple[Config, Path]) -> None:
    _, out = built
    for path in [out / "atom.xml", out / "rss.xml", out / "articles" / "atom.xml", out / "articles" / "rss.xml"]:
        for entry in feedparser.parse(path.read_bytes()).entries:
            assert _absolute(entry.link), entry.link
            for link in entry.get("links", []):
                assert _absolute(link["href"]), link
            for media in entry.get("media_content", []):
                assert _absolute(media["url"]), media
            body = entry.content[0].value if entry.get("content") else entry.summary
            tree = html.fragment_fromstring(body, create_parent="div")
            for element in tree.iter():
                for attr in ("href", "src"):
                    value = element.get(attr)
                    if value is not None:
                        assert _absolute(value), f"{path}: {entry.id}: {attr}={value}"


def test_feed_updated_is_the_newest_entry(built: tuple[Config, Path]) -> None:
    _, out = built
    for path in [out / "atom.xml", out / "tags" / "linux" / "atom.xml"]:
        parsed = feedparser.parse(path.read_bytes())
        newest = max(e.updated_parsed for e in parsed.entries)
        assert parsed.feed.updated_parsed == newest


@pytest.mark.parametrize("tag", ["Linux", "ChatGPT", "PyTorch", "开源", "Ubuntu"])
def test_tag_feeds_hold_exactly_the_posts_with_that_tag(
    built: tuple[Config, Path], corpus_meta: dict[str, dict], tag: str
) -> None:
    _, out = built
    expected = {
        "https://linux.cn" + m["permalink"]
        for m in corpus_meta.values()
        if tag.casefold() in {str(t).casefold() for t in (m.get("tags") or [])}
    }
    assert expected, f"no corpus post carries {tag}"
    feed = out / "tags" / slugify(tag) / "atom.xml"
    entries = feedparser.parse(feed.read_bytes()).entries
    assert {e.link.split("#")[0] for e in entries} == expected
    articles = out / "articles" / "atom.xml"
    for entry in entries:
        assert any(t.term.casefold() == tag.casefold() for t in entry.tags), entry.id
    assert articles.exists()


def test_rebuild_is_byte_identical_and_writes_nothing(built: tuple[Config, Path]) -> None:
    config, out = built
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    report = run_build(config, BuildOptions(now=NOW))
    assert report.files_written == 0
    assert report.files_unchanged > 200
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_ids_survive_a_move_to_another_folder(make_config: Callable[..., Config], tmp_path: Path) -> None:
    needs_corpus()
    moved = tmp_path / "moved"
    for path in sorted(CORPUS.rglob("*.md"))[:30]:
        target = moved / "elsewhere" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    first = make_config(moved, limits=BIG)
    run_build(first, BuildOptions(now=NOW))
    ids_before = {e.id for e in feedparser.parse((first.output_dir() / "atom.xml").read_bytes()).entries}
    (moved / "flat").mkdir()
    for path in list((moved / "elsewhere").rglob("*.md")):
        path.rename(moved / "flat" / path.name)
    run_build(first, BuildOptions(now=NOW))
    ids_after = {e.id for e in feedparser.parse((first.output_dir() / "atom.xml").read_bytes()).entries}
    assert ids_before == ids_after
    assert len(ids_before) >= 30


def test_default_limits_cut_feeds(make_config: Callable[..., Config]) -> None:
    needs_corpus()
    config = make_config(CORPUS)
    run_build(config, BuildOptions(now=NOW))
    out = config.output_dir()
    assert len(feedparser.parse((out / "atom.xml").read_bytes()).entries) == config.limits.site
    for path in (out / "tags").rglob("atom.xml"):
        assert len(feedparser.parse(path.read_bytes()).entries) <= config.limits.tag
