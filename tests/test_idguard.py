"""A warning before most of the site feed reaches readers under new ids (idguard.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from feedwright.config import Config, ConfigError
from feedwright.engine.build import BuildOptions, run_build
from feedwright.plan.idguard import id_change_warning

from .conftest import NOW, write_post

WHERE = "out"


def test_no_warning_without_a_previous_build_or_for_new_posts() -> None:
    current = [(f"https://a.org/{n}/", f"{n}.md", 0) for n in range(8)]
    assert id_change_warning([], current, "https://a.org/", WHERE) is None
    # Six new posts push six old ones out: new ids, but from files the last feed did not hold.
    newer = [(f"https://a.org/new{n}/", f"new{n}.md", 0) for n in range(6)] + current[:2]
    assert id_change_warning(current, newer, "https://a.org/", WHERE) is None


def test_a_new_address_for_every_entry_is_one_warning_with_the_fix() -> None:
    old = [(f"http://old.org/{n}/", f"{n}.md", 0) for n in range(8)]
    new = [(f"https://new.org/{n}/", f"{n}.md", 0) for n in range(8)]
    warning = id_change_warning(old, new, "https://new.org/", WHERE)
    assert warning is not None and warning.severity == "warning"
    assert "8 of the 8 entries" in warning.message
    assert "site.id_base_url: http://old.org/" in warning.message


def test_a_quarter_is_tolerated_more_is_not() -> None:
    old = [(f"https://a.org/{n}/", f"{n}.md", 0) for n in range(8)]
    two = [(f"https://a.org/moved{n}/", path, i) if n < 2 else (e, path, i) for n, (e, path, i) in enumerate(old)]
    assert id_change_warning(old, two, "https://a.org/", WHERE) is None
    three = [(f"https://a.org/moved{n}/", path, i) if n < 3 else (e, path, i) for n, (e, path, i) in enumerate(old)]
    warning = id_change_warning(old, three, "https://a.org/", WHERE)
    assert warning is not None and "front matter 'id'" in warning.message


def _site(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    for n in range(1, 9):
        write_post(posts, f"p{n}.md", f"---\ntitle: Post {n}\ndate: 2024-01-0{n} 10:00\n---\nText {n}.\n")
    return posts


def _ids(config: Config) -> list[str]:
    return [e.id for e in feedparser.parse((config.output_dir() / "atom.xml").read_bytes()).entries]


def test_a_moved_site_warns_once_and_id_base_url_keeps_the_old_ids(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    posts = _site(tmp_path)
    first = make_config(posts, site={"base_url": "http://example.org/"})
    assert not run_build(first, BuildOptions(now=NOW)).problems
    old_ids = _ids(first)

    moved = make_config(posts, site={"base_url": "https://example.org/"})
    report = run_build(moved, BuildOptions(now=NOW))
    [warning] = report.problems
    assert "readers will show every one of them again" in warning.message
    assert "'site.id_base_url: http://example.org/'" in warning.message
    assert report.exit_code(strict=False) == 0

    kept = make_config(posts, site={"base_url": "https://example.org/", "id_base_url": "http://example.org/"})
    report = run_build(kept, BuildOptions(now=NOW))
    # Back to the ids readers hold: that is a change of every id again, from the last build's.
    assert _ids(kept) == old_ids
    report = run_build(kept, BuildOptions(now=NOW, no_cache=True))
    assert not report.problems
    feed = feedparser.parse((kept.output_dir() / "atom.xml").read_bytes())
    assert all(e.link.startswith("https://example.org/") for e in feed.entries)


def test_id_base_url_must_be_an_address(make_config: Callable[..., Config], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"site\.id_base_url"):
        make_config(tmp_path, site={"id_base_url": "javascript:alert(1)"})
