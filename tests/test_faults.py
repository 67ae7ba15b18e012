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
    loud = [] if "-v" in extra else ["-q"]
    return subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-c", config, *loud, *extra],
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


def state(out: Path) -> Files:
    """Every file in the output folder, the manifest included (the lock file left out)."""
    return {
        str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != LOCK_NAME
    }


# Runs feedwright's own command line with os.scandir refusing one folder, as a folder that cannot be
# read (chmod 000, a stale NFS handle) refuses it: the tests run as root, whom chmod does not stop.
UNLISTABLE = """
import os, sys
blocked = os.path.realpath(sys.argv.pop(1))
real = os.scandir
def scandir(path="."):
    if os.path.realpath(os.fspath(path)) == blocked:
        raise PermissionError(13, "Permission denied", os.fspath(path))
    return real(path)
os.scandir = scandir
from feedwright.cli import main
sys.exit(main())
"""


def build_unlistable(site: Path, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", UNLISTABLE, str(folder), "build", "-c", "config.yaml", "-q", *extra],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_recovers(site: Path, tmp_path: Path) -> None:
    """The next plain run exits 0 and publishes what a cold build of the same posts publishes."""
    result = build(site)
    assert (result.returncode, result.stderr) == (0, "")
    all_parse(site / "feeds")
    assert published(site / "feeds") == cold(site, tmp_path)


@pytest.mark.parametrize("prune", [False, True])
def test_a_missing_posts_folder_writes_nothing(site: Path, tmp_path: Path, prune: bool) -> None:
    before = state(site / "feeds")
    (site / "posts").rename(site / "elsewhere")
    result = build(site, *(["--prune"] if prune else []))
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"{site / 'posts'}: error: posts folder does not exist"), line
    assert "nothing written" in line and "--allow-empty" in line
    assert state(site / "feeds") == before
    all_parse(site / "feeds")
    (site / "elsewhere").rename(site / "posts")
    assert_recovers(site, tmp_path)


@pytest.mark.parametrize("prune", [False, True])
def test_an_empty_posts_folder_where_the_last_build_had_posts_writes_nothing(
    site: Path, tmp_path: Path, prune: bool
) -> None:
    before = state(site / "feeds")
    # An unmounted share leaves its empty mount point.
    (site / "posts").rename(site / "share")
    (site / "posts").mkdir()
    result = build(site, *(["--prune"] if prune else []))
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"{site / 'posts'}: error: no posts read where the last build published 12 posts"), line
    assert state(site / "feeds") == before
    (site / "posts").rmdir()
    (site / "share").rename(site / "posts")
    assert_recovers(site, tmp_path)


def test_allow_empty_publishes_empty_feeds(site: Path, tmp_path: Path) -> None:
    shutil.rmtree(site / "posts")
    (site / "posts").mkdir()
    result = build(site, "--allow-empty")
    assert result.returncode == 0, result.stderr
    all_parse(site / "feeds")
    assert feedparser.parse((site / "feeds" / "atom.xml").read_bytes()).entries == []
    # A site that is empty on purpose stays buildable: the last build published no posts.
    again = build(site)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("where", ["posts", "posts/2024"])
@pytest.mark.parametrize("prune", [False, True])
def test_a_folder_that_cannot_be_listed_writes_nothing(site: Path, tmp_path: Path, where: str, prune: bool) -> None:
    before = state(site / "feeds")
    result = build_unlistable(site, site / where, *(["--prune"] if prune else []))
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(f"{where}: error: cannot list the folder: Permission denied"), line
    assert state(site / "feeds") == before
    all_parse(site / "feeds")
    assert_recovers(site, tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder whatever its mode; the scandir test covers it")
def test_a_folder_with_mode_000_writes_nothing(site: Path, tmp_path: Path) -> None:
    before = state(site / "feeds")
    (site / "posts" / "2024").chmod(0)
    try:
        result = build(site, "--prune")
    finally:
        (site / "posts" / "2024").chmod(0o755)
    assert result.returncode == 1
    assert one_line(result).startswith("posts/2024: error: cannot list the folder")
    assert state(site / "feeds") == before
    assert_recovers(site, tmp_path)


def _tagged(site: Path) -> list[Path]:
    """The posts that give the site its tag and category feeds: all but the newest two."""
    posts = sorted((site / "posts").rglob("*.md"))
    return posts[:-2]


def test_prune_deletes_nothing_when_most_feed_sets_would_go_at_once(site: Path, tmp_path: Path) -> None:
    for path in _tagged(site):
        path.rename(tmp_path / path.name)
    before = published(site / "feeds")
    result = build(site, "--prune")
    assert result.returncode == 0, result.stderr
    line = one_line(result)
    assert line.startswith(f"{site / 'feeds'}: warning: --prune would delete "), line
    assert "nothing deleted" in line and "--allow-empty" in line
    after = published(site / "feeds")
    assert set(after) == set(before)
    all_parse(site / "feeds")
    # Told that it is meant, it prunes: what is left is what a cold build of the posts publishes.
    meant = build(site, "--prune", "--allow-empty")
    assert (meant.returncode, meant.stderr) == (0, "")
    assert published(site / "feeds") == cold(site, tmp_path)


def test_prune_deletes_a_feed_whose_last_post_went(site: Path, tmp_path: Path) -> None:
    (site / "posts" / "2024" / "03" / "packaging-a-python-cli.md").unlink()
    result = build(site, "--prune")
    assert (result.returncode, result.stderr) == (0, "")
    assert published(site / "feeds") == cold(site, tmp_path)


def _damage(out: Path) -> list[str]:
    """Break published files the ways disks and people do; the names of those broken."""
    atom = out / "atom.xml"
    atom.write_bytes(atom.read_bytes()[:300])
    feed = out / "tags" / "linux" / "feed.json"
    feed.write_bytes(b"{")
    (out / "categories" / "development" / "rss.xml").unlink()
    # The same size, other bytes: only its modification time tells.
    index = out / "index.html"
    index.write_bytes(b"x" * index.stat().st_size)
    return ["atom.xml", "tags/linux/feed.json", "categories/development/rss.xml", "index.html"]


def _unrelated_edit(site: Path) -> None:
    post = site / "posts" / "2023" / "05" / "self-hosting-a-feed-reader.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")


@pytest.mark.parametrize("run", ["no-op", "touch", "edit", "prune"])
def test_a_published_file_that_is_not_what_was_written_is_written_again(site: Path, tmp_path: Path, run: str) -> None:
    out = site / "feeds"
    # A second run, replayed, so that the damaged run below would be replayed too.
    assert build(site).returncode == 0
    broken = _damage(out)
    extra: list[str] = []
    if run == "touch":
        for post in (site / "posts").rglob("*.md"):
            post.touch()
    elif run == "edit":
        _unrelated_edit(site)
    elif run == "prune":
        extra = ["--prune"]
    result = build(site, *extra)
    assert (result.returncode, result.stderr) == (0, "")
    all_parse(out)
    assert published(out) == cold(site, tmp_path)
    for name in broken:
        assert (out / name).is_file()
    # And the run after that is a no-op again.
    again = build(site, "-v", *extra)
    assert "0 parsed anew, 0 of 26 feeds rendered" in again.stdout
    assert published(out) == cold(site, tmp_path)


def test_a_full_run_renders_only_the_damaged_feeds(site: Path) -> None:
    _damage(site / "feeds")
    result = build(site, "-v")
    assert result.returncode == 0, result.stderr
    # atom.xml, tags/linux and categories/development: three of the 26 feeds; and the pages.
    assert "0 parsed anew, 3 of 26 feeds rendered" in result.stdout
    assert "4 files written" in result.stdout


def test_another_config_may_not_publish_into_the_folder(site: Path, tmp_path: Path) -> None:
    out = site / "feeds"
    text = (site / "config.yaml").read_text(encoding="utf-8")
    (site / "other.yaml").write_text(text.replace("formats: [atom, rss, json]", "formats: [atom]"), encoding="utf-8")
    before = state(out)
    for extra in ([], ["--prune"]):
        result = build(site, *extra, config="other.yaml")
        assert result.returncode == 2
        line = one_line(result)
        assert line == (
            f"{out}: error: this output folder is published by another config ({site / 'config.yaml'});"
            " nothing written (give --force to make this config its owner)"
        )
        assert state(out) == before
    # --force takes the folder over; --prune then deletes nothing the other config published.
    forced = build(site, "--force", "--prune", config="other.yaml")
    assert (forced.returncode, forced.stderr) == (0, "")
    assert set(published(out)) == set(before) - {".feedwright-manifest.json"}
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["owner"] == str(site / "other.yaml")
    assert all(name.endswith(("atom.xml", ".html", ".opml")) for name in manifest["files"])
    all_parse(out)
    # Now the first config is the other one.
    refused = build(site)
    assert refused.returncode == 2
    assert one_line(refused).startswith(f"{out}: error: this output folder is published by another config")
    back = build(site, "--force")
    assert (back.returncode, back.stderr) == (0, "")
    assert published(out) == cold(site, tmp_path)
    assert_recovers(site, tmp_path)


# feedwright's own command line, with the disk "full" in worker processes: each one's 30th staged file
# fails. Workers are forked, so they inherit the patch.
FULL_IN_WORKERS = """
import errno, os, sys
from feedwright.write import atomic
main_pid = os.getpid()
real = atomic._write_temp
staged = []
def write_temp(target, data, durable, folder_exists=False):
    if os.getpid() != main_pid:
        staged.append(target)
        if len(staged) == 30:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
    return real(target, data, durable, folder_exists)
atomic._write_temp = write_temp
from feedwright.cli import main
sys.exit(main())
"""


def test_a_cold_build_failing_in_its_workers_leaves_no_folder_behind(tmp_path: Path) -> None:
    """Workers make the tag folders they stage into; those of a batch never published go with it."""
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), str(site / "posts"), "-n", "150"],
        check=True,
        capture_output=True,
    )
    shutil.copy(REPO / "config.yaml", site / "config.yaml")
    result = subprocess.run(
        [sys.executable, "-c", FULL_IN_WORKERS, "build", "-q", "--jobs", "2", "--no-cache"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert one_line(result).endswith("error: cannot write: No space left on device"), result.stderr
    assert [p.name for p in (site / "feeds").rglob("*")] == [LOCK_NAME]
    again = build(site, "--jobs", "2")
    assert (again.returncode, again.stderr) == (0, "")
    assert published(site / "feeds") == cold(site, tmp_path)
