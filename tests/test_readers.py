"""Proof in a real reader: newsboat subscribes to the built feeds over HTTP and its cache holds what the feeds hold.

The output folder is served on 127.0.0.1. The feeds' own self links say https://linux.cn/…, but a reader only
needs the URL it was given, so newsboat gets the local ones. Newsboat keys its items by GUID alone, across all
feeds (newsboat/newsboat#898: an item shared by two feeds belongs to whichever was reloaded last), so each feed
gets its own profile — one reader per subscription, where "exactly what the feed holds" is well defined — and
one more profile subscribes to all of them at once, where the union must hold, each item once.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from feedwright.config import Config
from feedwright.engine.build import BuildOptions, run_build

from .conftest import CORPUS, NOW, needs_corpus

# What a subscriber picks: the site in both formats, one entry per post, and a few tags of different sizes.
SUBSCRIBED = (
    "atom.xml",
    "rss.xml",
    "articles/atom.xml",
    "tags/linux/atom.xml",
    "tags/chatgpt/atom.xml",
    "tags/pytorch/atom.xml",
)
# The post edited between the two builds must be in the site, articles and this tag feed, so the edit
# reaches several subscriptions at once.
EDITED_TAG_FEED = "tags/linux/atom.xml"
EDIT_TITLE_SUFFIX = "（修订）"
EDIT_MARKER = "feedwright-reader-test-edit"

# One fetch at a time keeps the server log in subscription order; short timeouts fail fast on a local server.
NEWSBOAT_CONFIG = "reload-threads 1\ndownload-timeout 20\ndownload-retries 2\n"

Item = tuple[str, str]  # (title, link) of one entry, keyed by its id/guid


def needs_newsboat() -> str:
    path = shutil.which("newsboat")
    if path is None:
        reason = "newsboat is not installed (Debian: apt-get install -y newsboat; .ci/run installs it)"
        # CI sets this so a missing reader fails instead of silently skipping the proof.
        if os.environ.get("FEEDWRIGHT_REQUIRE_READERS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@dataclass
class Served:
    """The output folder on a local port, with every request's path and status for the report."""

    base: str
    requests: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Served]]:
    """Serve a folder over HTTP on 127.0.0.1 in a background thread, for as long as the test runs."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path) -> Served:
        served = Served(base="")

        class Handler(SimpleHTTPRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                # Record instead of printing to stderr: the test checks what the reader fetched and how it was answered.
                served.requests.append((self.path, int(code) if isinstance(code, int) else 0))

        # Port 0: the OS picks a free port, so parallel runs never collide.
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        served.base = f"http://127.0.0.1:{server.server_address[1]}/"
        return served

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def build(config: Config) -> None:
    report = run_build(config, BuildOptions(now=NOW))
    assert report.aborted is None, report.aborted
    assert report.posts_rejected == 0, report.problems


Expected = tuple[str, dict[str, Item], dict[str, set[int]]]
_parsed: dict[bytes, Expected] = {}


def expected_items(out: Path, path: str) -> Expected:
    """Feed title, {id: (title, link)} and {id: acceptable dates} as feedparser reads the file on disk."""
    data = (out / path).read_bytes()
    key = hashlib.sha256(data).digest()
    # feedparser is the slow part of this test; each version of a feed file is parsed once.
    if key not in _parsed:
        _parsed[key] = _parse(path, data)
    return _parsed[key]


def _parse(path: str, data: bytes) -> Expected:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    items: dict[str, Item] = {}
    dates: dict[str, set[int]] = {}
    for entry in parsed.entries:
        assert entry.id not in items, f"{path} repeats id {entry.id}"
        items[entry.id] = (entry.title, entry.link)
        # A reader shows one date per item; it may pick the published or the updated one.
        # dict.get: feedparser's own get() maps a missing updated_parsed to published_parsed, with a warning.
        parsed_dates = (dict.get(entry, key) for key in ("published_parsed", "updated_parsed"))
        dates[entry.id] = {calendar.timegm(value) for value in parsed_dates if value}
    return parsed.feed.title, items, dates


def newsboat_reload(newsboat: str, profile: Path, urls: list[str]) -> sqlite3.Connection:
    """Run newsboat non-interactively (`-x reload`) on its own urls, config and cache; return the cache."""
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "urls").write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    (profile / "config").write_text(NEWSBOAT_CONFIG, encoding="utf-8")
    # A private HOME keeps newsboat away from the user's own ~/.newsboat; no proxy may intercept loopback.
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env.update(HOME=str(profile), XDG_CONFIG_HOME=str(profile), XDG_DATA_HOME=str(profile), NO_PROXY="127.0.0.1")
    command = [newsboat, "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
    proc = subprocess.run(
        command, cwd=profile, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, f"newsboat failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}"
    db = sqlite3.connect(profile / "cache.db")
    db.row_factory = sqlite3.Row
    return db


def cached_items(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT guid, title, url, feedurl, pubDate, content, deleted FROM rss_item").fetchall()


def check_one_feed(db: sqlite3.Connection, url: str, out: Path, path: str) -> list[sqlite3.Row]:
    """The cache of a reader subscribed to this one feed holds exactly its entries, each once."""
    title, items, dates = expected_items(out, path)
    feeds = db.execute("SELECT rssurl, title FROM rss_feed").fetchall()
    assert [(row["rssurl"], row["title"]) for row in feeds] == [(url, title)]
    rows = cached_items(db)
    assert [g for g, n in Counter(row["guid"] for row in rows).items() if n > 1] == [], f"{path}: duplicate guids"
    assert {row["guid"]: (row["title"], row["url"]) for row in rows} == items, path
    assert not [row["guid"] for row in rows if row["pubDate"] not in dates[row["guid"]]], f"{path}: dates differ"
    assert not [row["guid"] for row in rows if row["deleted"]], path
    return rows


def check_all_feeds(db: sqlite3.Connection, urls: dict[str, str], out: Path) -> Counter[str]:
    """One reader subscribed to every feed: the union of their entries, each once, under a feed that has it."""
    union: dict[str, Item] = {}
    holders: dict[str, set[str]] = {}
    for path, url in urls.items():
        for ident, item in expected_items(out, path)[1].items():
            # The same entry must look the same in every feed and format that carries it.
            assert union.setdefault(ident, item) == item, (ident, path)
            holders.setdefault(ident, set()).add(url)
    assert {row["rssurl"] for row in db.execute("SELECT rssurl FROM rss_feed")} == set(urls.values())
    rows = cached_items(db)
    assert [g for g, n in Counter(row["guid"] for row in rows).items() if n > 1] == [], "duplicate guids"
    assert {row["guid"]: (row["title"], row["url"]) for row in rows} == union
    assert not [row["guid"] for row in rows if row["feedurl"] not in holders[row["guid"]]]
    return Counter(row["feedurl"] for row in rows)


def edit_a_shared_post(posts: Path, out: Path) -> str:
    """Retitle and extend one whole post that the site, articles and a tag feed all carry; return its id."""
    ids = [set(expected_items(out, path)[1]) for path in ("atom.xml", "articles/atom.xml", EDITED_TAG_FEED)]
    shared = sorted(ident for ident in set.intersection(*ids) if "#" not in ident)
    assert shared, f"no whole post is in the site, articles and {EDITED_TAG_FEED} feeds; pick another tag"
    ident = shared[0]
    permalink = "/" + ident.split("://", 1)[1].split("/", 1)[1]
    for source in sorted(posts.rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        head, sep, body = text.removeprefix("---\n").partition("\n---\n")
        meta: dict[str, Any] = yaml.safe_load(head) if sep else {}
        if isinstance(meta, dict) and meta.get("permalink") == permalink:
            meta["title"] = f"{meta['title']}{EDIT_TITLE_SUFFIX}"
            dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
            source.write_text(f"---\n{dumped}---\n{body}\n\n{EDIT_MARKER}\n", encoding="utf-8")
            return ident
    raise AssertionError(f"no post in {posts} has permalink {permalink}")


def wait_past_mtimes(folder: Path) -> None:
    """Sleep until the clock is a whole second past every file's mtime.

    The server answers If-Modified-Since from mtimes in whole seconds, so a feed rewritten within the same
    second as its first version would get a 304 and the reader would keep the stale copy.
    """
    newest = max(p.stat().st_mtime for p in folder.rglob("*") if p.is_file())
    time.sleep(max(0.0, int(newest) + 1 - time.time()))


def test_newsboat_holds_exactly_what_the_feeds_hold_across_a_rebuild(
    make_config: Callable[..., Config], serve: Callable[[Path], Served], tmp_path: Path
) -> None:
    needs_corpus()
    newsboat = needs_newsboat()
    posts = tmp_path / "posts"
    shutil.copytree(CORPUS, posts)  # a copy, because the second build needs an edited post
    config = make_config(posts)
    out = config.output_dir()
    build(config)
    served = serve(out)
    urls = {path: served.base + path for path in SUBSCRIBED}

    def reload_and_check(round_name: str) -> dict[str, list[sqlite3.Row]]:
        per_feed = {}
        for path, url in urls.items():
            profile = tmp_path / "newsboat" / path.replace("/", "_")
            with closing(newsboat_reload(newsboat, profile, [url])) as db:
                per_feed[path] = check_one_feed(db, url, out, path)
        with closing(newsboat_reload(newsboat, tmp_path / "newsboat" / "all", list(urls.values()))) as db:
            owners = check_all_feeds(db, urls, out)
        counts = {path: len(rows) for path, rows in per_feed.items()}
        print(f"\n[{round_name}] newsboat items per single-feed profile: {counts}")
        print(f"[{round_name}] all-feeds profile: {sum(owners.values())} items, by owning feed: ", end="")
        print({path: owners[url] for path, url in urls.items()})
        return per_feed

    # Round 1 subscribes; round 2 reloads an unchanged site: a refetch must not duplicate anything. Newsboat
    # stores a feed's Last-Modified only once the feed row exists, so conditional requests start with round 3.
    first = reload_and_check("first reload")
    assert {path: len(rows) for path, rows in first.items()} == {
        path: len(expected_items(out, path)[1]) for path in SUBSCRIBED
    }
    again = reload_and_check("second reload, nothing changed")
    assert {p: sorted(map(tuple, rows)) for p, rows in again.items()} == {
        p: sorted(map(tuple, rows)) for p, rows in first.items()
    }

    before = {path: (out / path).read_bytes() for path in SUBSCRIBED}
    wait_past_mtimes(out)
    served.requests.clear()
    edited = edit_a_shared_post(posts, out)
    build(config)
    second = reload_and_check("after edit + rebuild")
    print(f"edited entry: {edited}")
    statuses = {path: sorted({code for p, code in served.requests if p == "/" + path}) for path in SUBSCRIBED}
    print(f"HTTP statuses after the rebuild: {statuses}")

    # A reader refetches exactly the feeds the edit changed; the others answer 304 because the build left them alone.
    changed = {path for path in SUBSCRIBED if (out / path).read_bytes() != before[path]}
    assert changed >= {"atom.xml", "rss.xml", "articles/atom.xml", EDITED_TAG_FEED}
    assert statuses == {path: [200] if path in changed else [304] for path in SUBSCRIBED}

    # Same entries as before (an edit adds none), and the edit reached every reader that carries the post.
    assert {p: len(rows) for p, rows in second.items()} == {p: len(rows) for p, rows in first.items()}
    for path in changed:
        row = next(row for row in second[path] if row["guid"] == edited)
        assert row["title"].endswith(EDIT_TITLE_SUFFIX), (path, row["title"])
        assert EDIT_MARKER in row["content"], path
