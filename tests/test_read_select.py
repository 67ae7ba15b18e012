"""Which files are posts: `exclude:` globs and front matter `feed: false`, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedwright.config import config_from_mapping
from feedwright.read.select import selection

from .test_bad_input import Site, assert_clean_run, assert_good_feeds, site_titles


def _wants(exclude: list[str]) -> object:
    config = config_from_mapping({"site": {"title": "T", "base_url": "https://example.org/"}, "exclude": exclude})
    return selection(config).wants


@pytest.mark.parametrize(
    ("exclude", "path", "wanted"),
    [
        ([], "a.md", True),
        ([], "notes.txt", False),
        (["drafts/"], "drafts/a.md", False),
        (["drafts/"], "old/drafts/a.md", False),  # gitignore: a folder pattern matches at any depth
        (["/drafts/"], "old/drafts/a.md", True),  # ... unless anchored
        (["README.md"], "README.md", False),
        (["README.md"], "sub/README.md", False),
        (["**/_index.md"], "blog/_index.md", False),
        (["*.draft.md"], "a.draft.md", False),
        (["drafts/", "!drafts/keep.md"], "drafts/keep.md", True),
    ],
)
def test_exclude_globs_read_as_gitignore_patterns(exclude: list[str], path: str, wanted: bool) -> None:
    assert _wants(exclude)(path) is wanted  # type: ignore[operator]


@given(st.text(alphabet="ab/._-* ", max_size=20))
def test_no_exclude_keeps_every_markdown_file(name: str) -> None:
    path = f"{name}x.md"
    assert _wants([])(path) is True  # type: ignore[operator]


def test_excluded_files_are_not_read_and_make_no_problem_line(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", {"exclude": ["drafts/", "README.md"]})
    site.write("drafts/half.md", "---\ntitle: [broken\n")
    site.write("README.md", "# About these posts\n")
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0, run.stderr
    assert run.problems == [], run.stderr
    assert_good_feeds(run)


@pytest.mark.parametrize(("value", "kept"), [("false", False), ("no", False), ("'off'", False), ("true", True),
                                             ("https://example.org/feed.xml", True)])  # fmt: skip
def test_feed_false_keeps_a_post_out_of_every_feed(tmp_path: Path, value: str, kept: bool) -> None:
    site = Site(tmp_path / "site")
    site.write("quiet.md", f"---\ntitle: Quiet\ndate: 2024-01-05\ntags: [linux]\nfeed: {value}\n---\nbody\n")
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0, run.stderr
    assert ("Quiet" in site_titles(run)) is kept
    assert ("Quiet" in run.feed_text()) is kept
    assert run.about("posts/quiet.md") == []
