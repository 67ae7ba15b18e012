"""The cache only ever saves work: warm builds equal cold ones, whatever happened in between."""

from __future__ import annotations

import gc
import json
import os
import pickle
import random
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import feedparser
import pytest

from feedwright.config import Config
from feedwright.engine import index, process, records
from feedwright.engine.build import BuildOptions, cache_path, run_build
from feedwright.pipeline import build_site
from feedwright.write.manifest import MANIFEST

from .conftest import CORPUS, NOW, needs_corpus, write_post
from .regenerate_golden import published_files


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def cold(config: Config) -> dict[str, bytes]:
    """What the stages make of the same posts with no engine at all: the reference for every build."""
    return build_site(config, NOW).files


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    needs_corpus()
    target = tmp_path / "posts"
    shutil.copytree(CORPUS, target)
    return target


def _edit(posts: Path, rng: random.Random) -> str:
    files = sorted(posts.rglob("*.md"))
    victim = rng.choice(files)
    action = rng.choice(["body", "title", "tags", "delete", "rename", "touch", "new"])
    text = victim.read_text(encoding="utf-8")
    if action == "body":
        victim.write_text(text + "\n\nOne more paragraph.\n", encoding="utf-8")
    elif action == "title":
        victim.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    elif action == "tags":
        victim.write_text(text.replace("tags:\n", "tags:\n- 新标签\n", 1), encoding="utf-8")
    elif action == "delete":
        victim.unlink()
    elif action == "rename":
        victim.rename(victim.with_name("renamed-" + victim.name))
    elif action == "touch":
        victim.touch()
    else:
        (posts / f"new-{rng.randrange(10**6)}.md").write_text(
            "---\ntitle: A new post\ndate: '2024-02-02 10:00:00'\ntags: [Linux]\n---\n\nNew.\n", encoding="utf-8"
        )
    return f"{action} {victim.name}"


def test_warm_builds_equal_cold_builds_after_random_edits(
    corpus_copy: Path, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(corpus_copy, limits={"tag": 5, "site": 40})
    rng = random.Random(20261125)
    run_build(config, BuildOptions(now=NOW))
    for step in range(5):
        done = [_edit(corpus_copy, rng) for _ in range(3)]
        # --prune: a feed whose last post went is deleted here, as a cold build never writes it.
        report = run_build(config, BuildOptions(now=NOW, prune=True))
        assert report.posts_parsed <= 6, (step, done, report.posts_parsed)
        assert published_files(config.output_dir()) == cold(config), (step, done)


def test_noop_rebuild_parses_nothing_and_renders_nothing(make_config: Callable[..., Config]) -> None:
    needs_corpus()
    config = make_config(CORPUS)
    first = run_build(config, BuildOptions(now=NOW))
    assert first.posts_parsed == 155
    second = run_build(config, BuildOptions(now=NOW))
    assert second.posts_parsed == 0
    assert second.feeds_rendered == 0
    assert second.files_written == 0


def test_one_post_edit_rerenders_only_its_feeds(corpus_copy: Path, make_config: Callable[..., Config]) -> None:
    config = make_config(corpus_copy)
    first = run_build(config, BuildOptions(now=NOW))
    post = corpus_copy / "content" / "2011" / "03" / "5.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    second = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert second.posts_parsed == 1
    # Post 5 is old: it is in its tag and category feeds, and the articles feed only if among the newest.
    assert 0 < second.feeds_rendered < first.feeds // 10
    # Feeds are planned from the posts' indexes; only the posts of the feeds rendered are read in full,
    # the edited one among them (its new text is in the feeds rendered).
    assert 0 < second.headers_read <= 20, second.headers_read
    assert any(b"An edit." in data for data in snapshot(config.output_dir()).values())


def test_a_cache_of_an_older_layout_is_rebuilt(make_config: Callable[..., Config]) -> None:
    needs_corpus()
    config = make_config(CORPUS)
    run_build(config, BuildOptions(now=NOW))
    expected = snapshot(config.output_dir())
    # The same fingerprint, but tables of another shape, as an older feedwright left them.
    db = sqlite3.connect(cache_path(config))
    db.executescript(
        "DROP TABLE posts; CREATE TABLE posts (path TEXT PRIMARY KEY, result BLOB); PRAGMA user_version = 1;"
    )
    db.commit()
    db.close()
    report = run_build(config, BuildOptions(now=NOW))
    assert report.cache_note == "cache written by another feedwright version"
    assert report.posts_parsed == 155
    assert snapshot(config.output_dir()) == expected
    assert run_build(config, BuildOptions(now=NOW)).posts_parsed == 0


def test_corrupt_or_foreign_cache_is_rebuilt(make_config: Callable[..., Config]) -> None:
    needs_corpus()
    config = make_config(CORPUS)
    run_build(config, BuildOptions(now=NOW))
    expected = snapshot(config.output_dir())
    cache_path(config).write_bytes(b"this is not a database" * 100)
    report = run_build(config, BuildOptions(now=NOW))
    assert report.posts_parsed == 155
    assert report.cache_note is not None
    assert snapshot(config.output_dir()) == expected
    other = replace(config, limits=replace(config.limits, tag=3))
    report = run_build(other, BuildOptions(now=NOW))
    assert report.cache_note == "config or version changed"
    assert report.posts_parsed == 155


def test_parallel_equals_serial(make_config: Callable[..., Config], tmp_path: Path) -> None:
    needs_corpus()
    config = make_config(CORPUS)
    run_build(config, BuildOptions(now=NOW, jobs=2, no_cache=True))
    serial = replace(config, output=str(tmp_path / "serial"))
    run_build(serial, BuildOptions(now=NOW, jobs=1, no_cache=True))
    assert _without_stamps(snapshot(config.output_dir())) == _without_stamps(snapshot(serial.output_dir()))


def _without_stamps(files: dict[str, bytes]) -> dict[str, object]:
    """The files, the manifest read with its stamps left out: they hold when each file was written."""
    manifest = json.loads(files[MANIFEST])
    del manifest["stamps"]
    return {**files, MANIFEST: manifest}


def test_noop_replays_the_same_report_and_repairs_deleted_output(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text("---\ntitle: Good\ndate: 2024-01-05\ntags: [Linux]\n---\n\nBody.\n", "utf-8")
    (posts / "bad.md").write_text("---\ntitle: [oops\n---\n", "utf-8")
    (posts / "more.md").write_text("---\ntitle: More\ndate: 2024-01-06\n---\n\nBody.\n", "utf-8")
    config = make_config(posts)
    first = run_build(config, BuildOptions(now=NOW))
    second = run_build(config, BuildOptions(now=NOW))
    assert [p.format() for p in second.problems] == [p.format() for p in first.problems]
    assert (second.posts_read, second.posts_rejected, second.feeds) == (2, 1, first.feeds)
    assert second.exit_code(strict=True) == 1
    assert second.posts_parsed == 0
    gone = config.output_dir() / "tags" / "linux" / "rss.xml"
    expected = gone.read_bytes()
    gone.unlink()
    third = run_build(config, BuildOptions(now=NOW))
    assert gone.read_bytes() == expected
    assert third.files_written == 1


def test_a_future_post_appears_when_its_time_comes(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "now.md").write_text("---\ntitle: Now\ndate: 2026-11-01\n---\n\nBody.\n", "utf-8")
    (posts / "later.md").write_text("---\ntitle: Later\ndate: 2026-12-01\n---\n\nBody.\n", "utf-8")
    config = make_config(posts)
    assert run_build(config, BuildOptions(now=NOW)).posts_skipped == 1
    assert run_build(config, BuildOptions(now=NOW)).posts_skipped == 1
    december = NOW.replace(month=12, day=2)
    report = run_build(config, BuildOptions(now=december))
    assert report.posts_skipped == 0
    assert report.posts_read == 2
    assert b"Later" in (config.output_dir() / "atom.xml").read_bytes()


def test_pages_are_rendered_only_when_what_they_show_changes(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    post = posts / "one.md"
    post.write_text("---\ntitle: One\ndate: 2024-01-05\ntags: [Linux]\n---\n\nBody.\n", "utf-8")
    (posts / "two.md").write_text("---\ntitle: Two\ndate: 2024-01-06\ntags: [Linux]\n---\n\nBody.\n", "utf-8")
    config = make_config(posts)
    assert run_build(config, BuildOptions(now=NOW)).pages_rendered == 2
    post.write_text(post.read_text("utf-8").replace("Body.", "Another body."), "utf-8")
    report = run_build(config, BuildOptions(now=NOW))
    assert report.files_written > 0
    assert report.pages_rendered == 0
    post.write_text(post.read_text("utf-8").replace("[Linux]", "[Linux, Rust]"), "utf-8")
    # index.html and feeds.opml, each once.
    assert run_build(config, BuildOptions(now=NOW)).pages_rendered == 2
    assert b"tags/rust/atom.xml" in (config.output_dir() / "index.html").read_bytes()


def test_touching_posts_without_changing_them_replays_the_last_run(
    corpus_copy: Path, make_config: Callable[..., Config]
) -> None:
    config = make_config(corpus_copy)
    first = run_build(config, BuildOptions(now=NOW))
    expected = snapshot(config.output_dir())
    for post in sorted(corpus_copy.rglob("*.md"))[::10]:
        os.utime(post, ns=(post.stat().st_mtime_ns + 10**9,) * 2)  # what a fresh checkout does
    assert first.feeds_planned == first.feeds > 0
    second = run_build(config, BuildOptions(now=NOW))
    # Same bytes as last time: not even the feeds are planned again.
    assert second.feeds_planned == 0
    assert second.posts_parsed == 0
    assert second.feeds_rendered == 0
    assert (second.posts_read, second.entries, second.feeds) == (first.posts_read, first.entries, first.feeds)
    assert [p.format() for p in second.problems] == [p.format() for p in first.problems]
    assert snapshot(config.output_dir()) == expected
    # The new stats were kept: the next run needs not even hash those files.
    assert cache_stamps_match(config, corpus_copy)
    # Bytes changed under an old size and a touched stat are still seen.
    victim = sorted(corpus_copy.rglob("*.md"))[0]
    text = victim.read_text("utf-8")
    victim.write_text(text.replace("a", "b", 1), "utf-8")
    third = run_build(config, BuildOptions(now=NOW))
    assert third.posts_parsed == 1
    assert third.feeds_planned == third.feeds > 0


def cache_stamps_match(config: Config, posts: Path) -> bool:
    db = sqlite3.connect(cache_path(config))
    try:
        rows = {p: (s, m) for p, s, m in db.execute("SELECT path, size, mtime_ns FROM posts")}
    finally:
        db.close()
    files = list(posts.rglob("*.md"))
    return len(rows) == len(files) and all(rows.get(str(f)) == (f.stat().st_size, f.stat().st_mtime_ns) for f in files)


def write_numbered_posts(posts: Path, count: int, body: str, front: str = "tags: [Linux]\n") -> None:
    """p0.md … titled "Post N", one day apart from 2024-01-01; `body` may name the number as {n}."""
    for n in range(count):
        text = f"---\ntitle: Post {n}\ndate: 2024-01-0{n + 1}\n{front}---\n\n{body.format(n=n)}\n"
        write_post(posts, f"p{n}.md", text)


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the post files read_with reads, in order, as they are read (outside a build)."""
    names: list[str] = []
    real = process.read_with

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        names.append(path.name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(process, "read_with", counting)
    return names


def test_each_post_is_read_once_in_a_cold_build(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_numbered_posts(posts, 6, "Body *{n}*.")
    config = make_config(posts)
    report = run_build(config, BuildOptions(now=NOW, jobs=1))
    # Articles' Markdown waits until a feed needs it; the post parsed the first time is kept for then.
    assert (report.posts_found, report.posts_parsed, report.posts_reread) == (6, 6, 0)
    parsed = feedparser.parse((config.output_dir() / "atom.xml").read_bytes())
    assert {e.title: e.content[0].value for e in parsed.entries}["Post 3"] == "<p>Body <em>3</em>.</p>"
    assert published_files(config.output_dir()) == cold(config)


def test_a_run_that_did_not_finish_is_never_replayed(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    good = posts / "good.md"
    good.write_text("---\ntitle: Good\ndate: 2024-01-05\n---\n\nBody.\n", "utf-8")
    config = make_config(posts)
    assert run_build(config, BuildOptions(now=NOW)).aborted is None
    # Every post broken: the run aborts after the cache took the new posts, and writes nothing.
    good.write_text("---\ntitle: [oops\n---\n", "utf-8")
    assert run_build(config, BuildOptions(now=NOW)).aborted is not None
    # Same bytes, new stat: not the finished run before the abort, whose report says all was well.
    os.utime(good, ns=(good.stat().st_mtime_ns + 10**9,) * 2)
    again = run_build(config, BuildOptions(now=NOW))
    assert again.aborted is not None
    assert again.exit_code(strict=False) == 1


@pytest.mark.parametrize("collector_on", [True, False])
def test_index_rows_decode_with_the_collector_paused_and_restored(collector_on: bool) -> None:
    """A damaged row is left out (its file is read again); the collector ends as it was found."""
    good = index.encode(None, (), "draft", "digest")
    rows = [("a.md", good), ("b.md", b"\x00 not marshal"), ("c.md", b""), ("d.md", good)]
    seen: list[bool] = []

    def watched() -> Iterator[tuple[str, bytes]]:
        for row in rows:
            seen.append(gc.isenabled())
            yield row

    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        decoded = index.decode_many(watched())
        assert gc.isenabled() is collector_on
    finally:
        (gc.enable if was else gc.disable)()
    assert sorted(decoded) == ["a.md", "d.md"]
    assert decoded["a.md"].skipped == "draft"
    assert seen == [False] * len(rows)


def test_one_process_hands_rows_over_one_by_one(
    tmp_path: Path, make_config: Callable[..., Config], read: list[str]
) -> None:
    """With --jobs 1, a site's rows (their HTML included) are never all held at once, and progress moves."""
    posts = tmp_path / "posts"
    write_numbered_posts(posts, 5, "Body {n}.", front="")
    config = make_config(posts)
    rows = process.process_all(sorted(str(p) for p in posts.iterdir()), config, NOW, jobs=1)
    first = next(rows)
    assert read == ["p0.md"]
    assert first.path.endswith("p0.md") and first.has_entries and first.bodies
    assert [Path(row.path).name for row in rows] == [f"p{n}.md" for n in range(1, 5)]


def test_deleted_and_renamed_posts_leave_no_row_behind(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_numbered_posts(posts, 3, "Text {n}.")
    config = make_config(posts)
    run_build(config, BuildOptions(now=NOW, jobs=1))
    (posts / "p0.md").unlink()
    (posts / "p1.md").rename(posts / "renamed.md")
    run_build(config, BuildOptions(now=NOW, jobs=1))
    db = sqlite3.connect(cache_path(config))
    try:
        kept = {
            table: {row[0] for row in db.execute(f"SELECT path FROM {table}")} for table in ("posts", "refs", "headers")
        }
        bodies = {row[0] for row in db.execute("SELECT path FROM bodies")}
    finally:
        db.close()
    expected = {str(posts / "p2.md"), str(posts / "renamed.md")}
    assert kept == {"posts": expected, "refs": expected, "headers": expected}
    assert bodies <= expected


def test_the_schema_follows_the_fields_of_the_cached_records() -> None:
    """A field added to (or renamed in) a record the cache keeps gives another schema: old caches are rebuilt."""

    @dataclass(frozen=True)
    class Body:
        index: int
        summary: str
        html: bytes
        lang: str = ""

    changed = tuple(Body if r is records.Body else r for r in records.RECORDS)
    assert records.schema_number(records.LAYOUT, records.RECORDS) == records.SCHEMA
    assert records.schema_number(records.LAYOUT, changed) != records.SCHEMA
    assert records.schema_number(records.LAYOUT + 1, records.RECORDS) != records.SCHEMA
    assert records.SCHEMA > 1


def test_a_kept_report_that_is_not_json_is_never_replayed(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_numbered_posts(posts, 2, "Text {n}.")
    config = make_config(posts)
    first = run_build(config, BuildOptions(now=NOW, jobs=1))
    expected = snapshot(config.output_dir())
    db = sqlite3.connect(cache_path(config))
    kept = db.execute("SELECT value FROM meta WHERE key = 'report'").fetchone()[0]
    assert json.loads(kept)["counts"]["posts_read"] == 2
    # What an older feedwright kept: a pickle, in hex.
    db.execute("UPDATE meta SET value = ? WHERE key = 'report'", (pickle.dumps(((), (2,), [])).hex(),))
    db.commit()
    db.close()
    second = run_build(config, BuildOptions(now=NOW, jobs=1))
    # Not replayed: the feeds are planned again from the cached posts, none of which is read.
    assert second.feeds_planned == first.feeds
    assert second.posts_parsed == 0
    assert (second.posts_read, second.entries) == (first.posts_read, first.entries)
    assert snapshot(config.output_dir()) == expected
    assert run_build(config, BuildOptions(now=NOW, jobs=1)).feeds_planned == 0
