"""WebSub: hub links in every format, and pings for exactly the feeds that changed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest
import yaml

from .conftest import LINUXCN_SITE, write_post

POST = """---
title: {title}
date: '2024-0{month}-10 10:00:00'
tags: [{tag}]
---

Body of {title}.
"""


class _Hub(BaseHTTPRequestHandler):
    received: list[dict[str, list[str]]]
    # The hub's answer, changed by tests; only pings it accepts (2xx) are recorded.
    answer: list[int]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode("ascii"))
        if self.answer[0] < 300:
            self.received.append(form)
        self.send_response(self.answer[0])
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering_hub() -> Iterator[tuple[str, list[dict[str, list[str]]], list[int]]]:
    """A hub on 127.0.0.1: its URL, the pings it accepted, and its answer (202 until a test changes it)."""
    received: list[dict[str, list[str]]] = []
    answer = [202]
    handler = type("Hub", (_Hub,), {"received": received, "answer": answer})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", received, answer
    server.shutdown()
    server.server_close()


@pytest.fixture
def hub(answering_hub: tuple[str, list[dict[str, list[str]]], list[int]]) -> tuple[str, list[dict[str, list[str]]]]:
    url, received, _ = answering_hub
    return url, received


def site(tmp_path: Path, hub_url: str) -> Path:
    config = {"site": LINUXCN_SITE, "posts": "posts", "output": "out", "websub": {"hub": hub_url, "timeout": 5}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    write_post(tmp_path / "posts", "a.md", POST.format(title="Alpha", month=1, tag="Linux"))
    write_post(tmp_path / "posts", "b.md", POST.format(title="Beta", month=2, tag="Rust"))
    return tmp_path


def build(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-q", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def pinged(received: list[dict[str, list[str]]]) -> set[str]:
    assert all(r["hub.mode"] == ["publish"] for r in received)
    return {url for r in received for url in r["hub.url"]}


def test_hub_link_in_every_format(tmp_path: Path, hub: tuple[str, list]) -> None:
    url, _ = hub
    folder = site(tmp_path, url)
    assert build(folder).returncode == 0
    atom = feedparser.parse((folder / "out" / "atom.xml").read_bytes())
    assert {link.href for link in atom.feed.links if link.rel == "hub"} == {url}
    rss = (folder / "out" / "rss.xml").read_text(encoding="utf-8")
    assert f'<atom:link rel="hub" href="{url}"/>' in rss
    data = json.loads((folder / "out" / "feed.json").read_text(encoding="utf-8"))
    assert data["hubs"] == [{"type": "WebSub", "url": url}]


def test_ping_names_only_changed_feeds(tmp_path: Path, hub: tuple[str, list]) -> None:
    url, received = hub
    folder = site(tmp_path, url)
    assert build(folder, "--ping").returncode == 0
    first = pinged(received)
    assert "https://linux.cn/atom.xml" in first
    assert "https://linux.cn/tags/rust/feed.json" in first
    assert all(u.startswith("https://linux.cn/") for u in first)

    received.clear()
    assert build(folder, "--ping").returncode == 0
    assert received == [], "nothing changed, so nothing is pinged"

    write_post(folder / "posts", "b.md", POST.format(title="Beta edited", month=2, tag="Rust"))
    assert build(folder, "--ping").returncode == 0
    changed = pinged(received)
    assert "https://linux.cn/tags/rust/atom.xml" in changed
    assert "https://linux.cn/atom.xml" in changed
    assert not any("/tags/linux/" in u for u in changed), changed


def test_unreachable_hub_is_a_warning(tmp_path: Path) -> None:
    folder = site(tmp_path, "http://127.0.0.1:9/")
    result = build(folder, "--ping")
    assert result.returncode == 0
    assert "warning: WebSub hub not reachable" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (folder / "out" / "atom.xml").is_file()


def test_ping_without_hub_is_a_warning(tmp_path: Path) -> None:
    folder = site(tmp_path, "http://127.0.0.1:9/")
    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
    del config["websub"]
    (folder / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = build(folder, "--ping")
    assert result.returncode == 0
    assert "--ping needs 'websub.hub'" in result.stderr


# feedwright's own command line, killed (SIGKILL) once it has published, before it tells the hub.
KILLED_BEFORE_THE_PING = """
import os, signal, sys
from feedwright import websub
websub.ping_hub = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
from feedwright.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("fault", ["hub-answers-503", "killed-before-the-ping"])
def test_pings_owed_by_a_failed_run_are_sent_by_the_next_even_without_the_cache(
    tmp_path: Path, answering_hub: tuple[str, list[dict[str, list[str]]], list[int]], fault: str
) -> None:
    """What is owed to the hub lives beside the manifest, not in the cache that --no-cache throws away."""
    url, received, answer = answering_hub
    folder = site(tmp_path, url)
    out = folder / "out"
    assert build(folder, "--ping").returncode == 0
    received.clear()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    write_post(folder / "posts", "b.md", POST.format(title="Beta edited", month=2, tag="Rust"))
    if fault == "hub-answers-503":
        answer[0] = 503
        failed = build(folder, "--ping")
        assert failed.returncode == 0 and "HTTP 503; kept for the next run" in failed.stderr
    else:
        failed = subprocess.run(
            [sys.executable, "-c", KILLED_BEFORE_THE_PING, "build", "-q", "--ping"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert failed.returncode == -signal.SIGKILL, failed.stderr
    assert received == []
    changed = {p for p in out.rglob("*") if p.is_file() and before.get(p) != p.read_bytes()}
    names = ("atom.xml", "rss.xml", "feed.json")
    feeds = {f"https://linux.cn/{p.relative_to(out)}" for p in changed if p.name in names}
    assert "https://linux.cn/tags/rust/atom.xml" in feeds
    state = out / ".feedwright-websub.json"
    assert set(json.loads(state.read_text(encoding="utf-8"))["unannounced"]) == feeds
    # Neither served nor listed as published.
    manifest = json.loads((out / ".feedwright-manifest.json").read_text(encoding="utf-8"))
    assert state.name not in manifest["files"]

    answer[0] = 202
    again = build(folder, "--ping", "--no-cache")
    assert (again.returncode, again.stderr) == (0, "")
    assert pinged(received) == feeds
    assert not state.exists(), "nothing is owed any more"
    received.clear()
    assert build(folder, "--ping", "--no-cache").returncode == 0
    assert received == [], "announced once, not again"
