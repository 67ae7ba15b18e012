"""Per-author feeds (`feeds.authors: true`): built, listed, limited and pruned, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import yaml
from lxml import etree

from feedwright.config import load_config
from feedwright.pipeline import build_site

from .conftest import LINUXCN_SITE, NOW, write_post
from .regenerate_golden import published_files
from .test_cli import run

POSTS = {
    "a.md": "---\ntitle: By Ann\ndate: 2024-01-01\nauthor: Ann Lee\nimage: /a.png\n---\nA.\n",
    "b.md": "---\ntitle: By Ann and Bob\ndate: 2024-01-02\nauthors: [Ann Lee, Bob]\n---\nB.\n",
    "c.md": "---\ntitle: 老王的文章\ndate: 2024-01-03\nauthor: 老王\n---\nC.\n",
    # No author: the site's (site.author) is the post's, as in every feed.
    "d.md": "---\ntitle: Nobody's\ndate: 2024-01-04\n---\nD.\n",
}
SETS = ("atom.xml", "rss.xml", "feed.json", "index.html")


def make_site(tmp_path: Path, **extra: object) -> Path:
    config = {"site": LINUXCN_SITE, "posts": "posts", "output": "out", **extra}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for name, text in POSTS.items():
        write_post(tmp_path / "posts", name, text)
    return tmp_path


def titles(path: Path) -> list[str]:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return [e.title for e in feed.entries]


def test_no_author_feeds_by_default(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    out = site / "out"
    assert not (out / "authors").exists()
    assert "Authors" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_feed_set_per_author_listed_in_the_index_and_the_opml(tmp_path: Path) -> None:
    site = make_site(tmp_path, feeds={"authors": True})
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    out = site / "out"
    assert sorted(p.name for p in (out / "authors").iterdir()) == ["ann-lee", "bob", "linux-中国", "老王"]
    for slug in ("ann-lee", "bob", "老王"):
        for name in SETS:
            assert (out / "authors" / slug / name).is_file(), f"authors/{slug}/{name}"
    ann = out / "authors" / "ann-lee"
    assert titles(ann / "atom.xml") == ["By Ann and Bob", "By Ann"]
    assert titles(ann / "rss.xml") == ["By Ann and Bob", "By Ann"]
    assert titles(out / "authors" / "bob" / "atom.xml") == ["By Ann and Bob"]
    assert titles(out / "authors" / "老王" / "rss.xml") == ["老王的文章"]
    assert titles(out / "authors" / "linux-中国" / "atom.xml") == ["Nobody's"]
    atom = feedparser.parse((ann / "atom.xml").read_bytes())
    assert atom.feed.title == "Linux 中国 · Ann Lee"
    assert atom.feed.links[1].href == "https://linux.cn/authors/ann-lee/atom.xml"
    data = json.loads((ann / "feed.json").read_text(encoding="utf-8"))
    assert data["feed_url"] == "https://linux.cn/authors/ann-lee/feed.json"
    assert [item["title"] for item in data["items"]] == ["By Ann and Bob", "By Ann"]
    assert data["user_comment"].endswith("https://linux.cn/authors/ann-lee/feed.json")
    # The site feeds are the same with or without author feeds.
    assert titles(out / "atom.xml") == ["Nobody's", "老王的文章", "By Ann and Bob", "By Ann"]

    page = (ann / "index.html").read_text(encoding="utf-8")
    assert "<h1>Ann Lee</h1>" in page and 'value="https://linux.cn/authors/ann-lee/atom.xml"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<section id="authors">' in index or "Authors" in index
    assert 'href="authors/ann-lee/index.html"' in index
    assert 'href="authors/%E8%80%81%E7%8E%8B/atom.xml"' in index
    opml = etree.fromstring((out / "feeds.opml").read_bytes())
    folder = opml.find("body/outline[@text='Authors']")
    assert folder is not None
    assert [o.get("xmlUrl") for o in folder] == [
        "https://linux.cn/authors/ann-lee/atom.xml",
        "https://linux.cn/authors/bob/atom.xml",
        "https://linux.cn/authors/linux-%E4%B8%AD%E5%9B%BD/atom.xml",
        "https://linux.cn/authors/%E8%80%81%E7%8E%8B/atom.xml",
    ]


def test_limits_author_caps_each_author_feed(tmp_path: Path) -> None:
    site = make_site(tmp_path, feeds={"authors": True}, limits={"author": 1})
    assert run("build", cwd=site).returncode == 0
    out = site / "out"
    assert titles(out / "authors" / "ann-lee" / "atom.xml") == ["By Ann and Bob"]
    assert len(titles(out / "atom.xml")) == 4
    page = (out / "authors" / "ann-lee" / "index.html").read_text(encoding="utf-8")
    assert "最新 1 条，共 2 条" in page


def test_an_author_gone_is_kept_then_pruned_like_a_tag(tmp_path: Path) -> None:
    site = make_site(tmp_path, feeds={"authors": True})
    assert run("build", cwd=site).returncode == 0
    out = site / "out"
    # Bob's only post now names Carol: an edit the cache must see.
    write_post(site / "posts", "b.md", POSTS["b.md"].replace("[Ann Lee, Bob]", "[Ann Lee, Carol]"))
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert titles(out / "authors" / "carol" / "atom.xml") == ["By Ann and Bob"]
    assert (out / "authors" / "bob" / "atom.xml").is_file(), "kept without --prune"
    assert "--prune" in result.stdout + result.stderr
    result = run("build", "--prune", cwd=site)
    assert result.returncode == 0, result.stderr
    assert not (out / "authors" / "bob").exists()
    assert (out / "authors" / "carol" / "index.html").is_file()


def test_turning_author_feeds_off_leaves_them_to_prune(tmp_path: Path) -> None:
    site = make_site(tmp_path, feeds={"authors": True})
    assert run("build", cwd=site).returncode == 0
    (site / "config.yaml").write_text(
        yaml.safe_dump({"site": LINUXCN_SITE, "posts": "posts", "output": "out"}, allow_unicode=True),
        encoding="utf-8",
    )
    result = run("build", "--prune", "--allow-empty", cwd=site)
    assert result.returncode == 0, result.stderr
    assert not (site / "out" / "authors").exists()
    assert "Authors" not in (site / "out" / "index.html").read_text(encoding="utf-8")


def test_the_engine_publishes_what_the_stages_make(tmp_path: Path) -> None:
    site = make_site(tmp_path, feeds={"authors": True}, archive=True)
    assert run("build", cwd=site).returncode == 0
    config = load_config(site / "config.yaml")
    assert published_files(site / "out") == build_site(config, NOW).files
