"""Machine faults never empty a feed: real `feedwright build` processes over the sample site.

Each fault is checked the way cron meets it: the exit code, one line on standard error and no
traceback, every feed on disk still parses, the output is the previous build's or a clean cold
build's, and the next plain run recovers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from feedwright.write.lock import LOCK_NAME
from feedwright.write.manifest import MANIFEST

from .conftest import REPO

Files = dict[str, bytes]


def make_site(folder: Path) -> Path:
    """The repo's sample site (13 posts, 26 feeds), in a folder of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "posts", folder / "posts")
    shutil.copy(REPO / "config.yaml", folder / "config.yaml")
    return folder


def build(site: Path, *extra: str, config: str = "config.yaml") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-c", config, "-q", *extra],
        cwd=site,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=120,
        check=False,
    )


def published(out: Path) -> Files:
    """Every file a build published (its state files left out)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, LOCK_NAME)
    }


def cold(site: Path, tmp: Path) -> Files:
    """What a first build of the same posts and config publishes."""
    copy = tmp / "cold"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    shutil.copytree(site / "posts", copy / "posts")
    shutil.copy(site / "config.yaml", copy / "config.yaml")
    result = build(copy)
    assert result.returncode == 0, result.stderr
    return published(copy / "feeds")


def all_parse(out: Path) -> None:
    for path in out.rglob("*"):
        if path.suffix == ".xml":
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        elif path.name == "feed.json":
            json.loads(path.read_bytes())


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = make_site(tmp_path / "site")
    first = build(folder)
    assert first.returncode == 0, first.stderr
    return folder


def test_a_file_name_that_is_not_utf8_is_read_cached_and_named(site: Path, tmp_path: Path) -> None:
    posts = os.fsencode(site / "posts")
    with open(posts + b"/caf\xe9.md", "wb") as handle:
        handle.write(b"---\ntitle: Caf\xc3\xa9\ndate: 2024-12-01\ntags: [Linux]\n---\n\nA post.\n")
    with open(posts + b"/broken\xff.md", "wb") as handle:
        handle.write(b"---\ntitle: never closed\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert one_line(result).startswith("posts/broken\\udcff.md:1: error: front matter is never closed")
    out = site / "feeds"
    all_parse(out)
    titles = [e.title for e in feedparser.parse((out / "atom.xml").read_bytes()).entries]
    assert "Café" in titles
    assert published(out) == cold(site, tmp_path)
    # The next runs, replayed and after an edit of the post, report the same and stay whole.
    again = build(site)
    assert (again.returncode, again.stderr) == (0, result.stderr)
    with open(posts + b"/caf\xe9.md", "ab") as handle:
        handle.write(b"\nMore.\n")
    edited = build(site)
    assert (edited.returncode, edited.stderr) == (0, result.stderr)
    assert published(out) == cold(site, tmp_path)
    os.unlink(posts + b"/caf\xe9.md")
    gone = build(site)
    assert (gone.returncode, gone.stderr) == (0, result.stderr)
    assert published(out) == cold(site, tmp_path)
