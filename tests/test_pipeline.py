"""The stages end to end with no engine (pipeline.py): the reference every build is held to."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from feedwright.config import Config, load_config
from feedwright.engine.build import BuildOptions, run_build
from feedwright.markup import MarkdownRenderer
from feedwright.pipeline import build_site, index_of, plan_site, read_and_split

from .conftest import CORPUS, NOW, needs_corpus, write_post
from .regenerate_golden import copy_sample, published_files
from .test_golden import golden_files


def test_the_sample_site_from_the_stages_alone_is_the_golden_output(tmp_path: Path) -> None:
    config = load_config(copy_sample(tmp_path / "site"))
    site = build_site(config, datetime.now(UTC))
    assert site.files == golden_files()
    assert not site.problems


def test_a_build_publishes_what_the_stages_make_of_the_corpus(make_config: Callable[..., Config]) -> None:
    needs_corpus()
    config = make_config(CORPUS, archive=True)
    site = build_site(config, NOW)
    assert len(site.files) > 300
    run_build(config, BuildOptions(now=NOW, jobs=2, no_cache=True))
    assert published_files(config.output_dir()) == site.files
    feed = feedparser.parse(site.files["atom.xml"])
    assert not feed.bozo and len(feed.entries) == config.limits.site


def test_the_stages_import_nothing_of_the_engine() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "feedwright"
    stages = ("generators", "read", "split", "plan", "render", "write")
    stage_files = [path for stage in stages for path in (src / stage).rglob("*.py")]
    stage_files += [src / "markup.py", src / "pipeline.py"]
    engine_import = re.compile(r"^\s*(?:from\s+(?:\.+engine|feedwright\.engine)\b|import\s+feedwright\.engine\b)", re.M)
    assert [str(p.relative_to(src)) for p in stage_files if engine_import.search(p.read_text(encoding="utf-8"))] == []
    assert len(stage_files) > 15


def test_a_post_later_with_an_earlier_ones_permalink_is_left_out(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    posts = tmp_path / "posts"
    first = write_post(posts, "z.md", "---\ntitle: First\ndate: 2024-01-01\npermalink: /same/\n---\nA.\n")
    second = write_post(posts, "a.md", "---\ntitle: Second\ndate: 2024-01-02\npermalink: /same/\n---\nB.\n")
    config = make_config(posts)
    renderer = MarkdownRenderer()
    results = [read_and_split(p, config, NOW, renderer) for p in (second, first)]
    assert [index_of(r).article is not None for r in results] == [True, True]
    planned = plan_site(results)
    assert planned[0].article is None and "published earlier" in planned[0].problems[-1].message
    assert planned[1].article is not None


def test_a_build_with_author_feeds_publishes_what_the_stages_make(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "---\ntitle: A\ndate: 2024-01-01\nauthor: Ann\ntags: [x]\n---\nA.\n")
    write_post(posts, "b.md", "---\ntitle: B\ndate: 2024-01-02\nauthors: [Ann, 老王]\n---\nB.\n")
    config = make_config(posts, feeds={"authors": True}, limits={"author": 1})
    site = build_site(config, NOW)
    assert {"authors/ann/atom.xml", "authors/老王/feed.json", "authors/ann/index.html"} <= set(site.files)
    run_build(config, BuildOptions(now=NOW, jobs=2, no_cache=True))
    assert published_files(config.output_dir()) == site.files
    run_build(config, BuildOptions(now=NOW))  # again, as a later build of an unchanged site
    assert published_files(config.output_dir()) == site.files
