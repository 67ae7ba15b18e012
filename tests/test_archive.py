"""RFC 5005 archives: every entry ever published, reachable from the subscription feed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedwright.config import Config
from feedwright.engine.build import BuildOptions, run_build

from .conftest import CORPUS, NOW, needs_corpus, write_post

ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"


def links(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    return {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}


def local(out: Path, url: str) -> Path:
    return out / url.removeprefix("https://linux.cn/")


@pytest.fixture
def archived(tmp_path: Path, make_config: Callable[..., Config]) -> tuple[Config, Path]:
    needs_corpus()
    posts = tmp_path / "posts"
    shutil.copytree(CORPUS, posts)
    config = make_config(posts, archive=True, limits={"site": 100_000})
    run_build(config, BuildOptions(now=NOW))
    return config, posts


def test_walking_prev_archive_reaches_every_entry(archived: tuple[Config, Path]) -> None:
    config, _ = archived
    out = config.output_dir()
    every = {e.id for e in feedparser.parse((out / "atom.xml").read_bytes()).entries}
    seen: set[str] = set()
    url = links(out / "atom.xml")["prev-archive"]
    visited = 0
    newer: str | None = None
    while url:
        doc = local(out, url)
        root = etree.parse(str(doc)).getroot()
        assert root.find(f"{FH}archive") is not None, doc
        rels = links(doc)
        assert rels["current"] == "https://linux.cn/atom.xml"
        assert rels.get("next-archive") == newer
        parsed = feedparser.parse(doc.read_bytes())
        assert not parsed.bozo
        ids = [e.id for e in parsed.entries]
        assert not seen & set(ids), "an entry is in two archive documents"
        seen |= set(ids)
        visited += 1
        newer = url
        url = rels.get("prev-archive")
    assert seen == every
    assert visited == len(list((out / "archive").iterdir()))
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    assert 'rel="prev-archive" href="https://linux.cn/archive/2024-01/rss.xml"' in rss
    assert not (out / "archive" / "2024-01" / "feed.json").exists()


def test_closed_months_do_not_change(archived: tuple[Config, Path]) -> None:
    config, posts = archived
    out = config.output_dir()
    before = {p: p.read_bytes() for p in (out / "archive").rglob("*.xml")}
    # An edit to a post of January 2024 touches that month only.
    post = next(p for p in posts.rglob("16601.md"))
    head, body = post.read_text(encoding="utf-8").split("\n---\n", 1)
    post.write_text(head + "\n---\n" + body.replace("。", "。（更正）", 1), encoding="utf-8")
    run_build(config, BuildOptions(now=NOW))
    after = {p: p.read_bytes() for p in (out / "archive").rglob("*.xml")}
    changed = {p.parent.name for p in before if before[p] != after[p]}
    assert changed == {"2024-01"}
    # A first post in a new month opens it, and closes the month before with a next-archive link.
    write_post(posts, "new.md", "---\ntitle: New month\ndate: '2024-03-01 09:00:00'\n---\n\nHello.\n")
    run_build(config, BuildOptions(now=NOW))
    latest = {p: p.read_bytes() for p in (out / "archive").rglob("*.xml")}
    changed = {p.parent.name for p in after if after[p] != latest[p]}
    assert changed == {"2024-01"}
    assert links(out / "archive" / "2024-01" / "atom.xml")["next-archive"].endswith("/archive/2024-03/atom.xml")
    assert links(out / "atom.xml")["prev-archive"].endswith("/archive/2024-03/atom.xml")
