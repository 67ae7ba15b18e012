"""All-or-nothing publishing through the real build: a rename failing half-way leaves the previous
build in place byte for byte, says so in one line, and the hub hears of every feed that changed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

import pytest
import yaml

from feedwright import cli
from feedwright.engine import announce
from feedwright.write import atomic
from feedwright.write.atomic import TMP_MARK
from feedwright.write.lock import LOCK_NAME
from feedwright.write.manifest import MANIFEST

from .conftest import LINUXCN_SITE, REPO, needs_corpus, write_post

NEW_POST = """---
title: A post that arrives while the output folder misbehaves
date: '2025-09-01 10:00:00'
tags: [Linux, 新标签]
---

Fresh text.
"""

Files = dict[str, bytes]


class Hub:
    """A WebSub hub on 127.0.0.1 that records the feed URLs it was told about; `status` is its answer."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.status = 202
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode("ascii"))
                assert form["hub.mode"] == ["publish"]
                if hub.status < 300:
                    hub.received.extend(form["hub.url"])
                self.send_response(hub.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def told(self) -> set[str]:
        urls = {unquote(url) for url in self.received}  # feed URLs name their tags percent-encoded
        self.received.clear()
        return urls


@pytest.fixture
def hub() -> Iterator[Hub]:
    hub = Hub()
    thread = threading.Thread(target=hub.server.serve_forever, daemon=True)
    thread.start()
    yield hub
    hub.server.shutdown()
    hub.server.server_close()


def _site(folder: Path, hub: Hub, output: str = "out") -> Path:
    """The sample site's posts, pinging `hub` on every build (websub.ping: a plain run announces)."""
    shutil.copytree(REPO / "posts", folder / "posts")
    config = {
        "site": LINUXCN_SITE,
        "posts": "posts",
        "output": output,
        "split": {"categories": ["硬核观察"]},
        "websub": {"hub": hub.url, "ping": True, "timeout": 5},
        "lock_timeout": 5,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _files(out: Path) -> Files:
    """Every file of the output folder but the lock and the announcements owed (_owed), temporary and
    backup files included; the manifest without the times it records of each file (write times, which
    differ between builds)."""
    found = {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (LOCK_NAME, announce.STATE)
    }
    if MANIFEST in found:
        data = json.loads(found[MANIFEST])
        data.pop("stamps", None)
        found[MANIFEST] = json.dumps(data, sort_keys=True).encode()
    return found


def _owed(out: Path) -> set[str]:
    """The feed URLs the output folder's state file keeps as owed to the hub."""
    return {unquote(url) for url in announce.owed(out)}


def _leftovers(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob(f"*{TMP_MARK}*")]


def _build(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run the CLI in this process (so that os.replace can be made to fail); exit code, stderr lines."""
    code = cli.main(["build", "-c", str(config), "-q", *args])
    return code, capsys.readouterr().err.splitlines()


def _feed_urls(names: set[str]) -> set[str]:
    return {f"https://linux.cn/{n}" for n in names if n.endswith((".xml", ".json")) and n != MANIFEST}


def _changed(before: Files, after: Files) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def _fail_replace(monkeypatch: pytest.MonkeyPatch, nth: int, also: str | None = None) -> list[str]:
    """The batch's nth os.replace fails (EIO), and so does putting `also` back; returns the targets replaced.

    The announcements owed are written on their own, before the batch: their renames are not counted.
    """
    real_replace = os.replace
    targets: list[str] = []

    def flaky(src: str, dst: str | Path) -> None:
        if Path(dst).name == announce.STATE:
            real_replace(src, dst)
            return
        targets.append(str(dst))
        restoring = TMP_MARK + "was-" in Path(src).name
        if len(targets) == nth or (restoring and also is not None and str(dst).endswith(also)):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    return targets


@pytest.fixture
def reference(tmp_path: Path, hub: Hub) -> Files:
    """What a clean build of the sample posts plus the new post publishes, built where the tests then build
    (the manifest names the posts by path), and cleared away again."""
    config = _site(tmp_path / "site", hub)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)
    result = subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-q", "-c", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    hub.told()
    files = _files(config.parent / "out")
    shutil.rmtree(config.parent)
    return files


def test_a_rename_failing_half_way_publishes_nothing_and_the_next_run_everything(
    tmp_path: Path, hub: Hub, reference: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys) == (0, [])
    assert _feed_urls(set(_files(out))) == hub.told(), "the first build announces every feed"
    before = _files(out)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)

    replaced = _fail_replace(monkeypatch, 6)
    code, err = _build(config, capsys)
    monkeypatch.undo()
    assert code == 1
    assert len(err) == 1, err
    assert err[0] == f"{replaced[5]}: error: cannot write: Input/output error; nothing published (5 files restored)"
    assert _files(out) == before, "every file, the manifest too, holds the previous build's bytes"
    assert _leftovers(out) == []
    assert hub.told() == set(), "nothing was published, so nothing is announced"
    assert _owed(out) == set(), "nor owed"

    assert _build(config, capsys) == (0, [])
    assert _files(out) == reference
    assert hub.told() == _feed_urls(_changed(before, reference))


def test_a_file_that_cannot_be_put_back_is_named_and_announced_by_the_next_run(
    tmp_path: Path, hub: Hub, reference: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys)[0] == 0
    hub.told()
    before = _files(out)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)

    replaced = _fail_replace(monkeypatch, 4, also="/atom.xml")
    code, err = _build(config, capsys)
    monkeypatch.undo()
    stuck = [name for name in (str(Path(t).relative_to(out)) for t in replaced[:3]) if name.endswith("atom.xml")]
    assert stuck, replaced
    assert code == 1
    assert err == [
        f"{replaced[3]}: error: cannot write: Input/output error; published in part: {len(stuck)} file(s) hold new"
        f" bytes and could not be restored: {', '.join(stuck)}; every other file holds its previous bytes"
    ]
    after = _files(out)
    assert {n for n in after if TMP_MARK not in n and after[n] != before.get(n)} == set(stuck)
    assert all(after[n] == reference[n] for n in stuck)
    assert hub.told() == set()
    assert _owed(out) == _feed_urls(_changed(before, reference))

    # The next run finds the stuck files already right; the hub still hears of them.
    assert _build(config, capsys) == (0, [])
    assert _files(out) == reference
    assert hub.told() == _feed_urls(_changed(before, reference))
    assert not (out / announce.STATE).exists(), "nothing is owed any more"


def test_a_failed_prune_keeps_the_feeds_it_would_have_deleted(
    tmp_path: Path, hub: Hub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys)[0] == 0
    without = _files(out)
    post = write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)
    assert _build(config, capsys)[0] == 0
    before = _files(out)
    assert set(before) - set(without), "the new post's tag has feeds of its own"
    post.unlink()

    _fail_replace(monkeypatch, 3)
    code, err = _build(config, capsys, "--prune")
    monkeypatch.undo()
    assert code == 1 and len(err) == 1 and "nothing published" in err[0], err
    assert _files(out) == before, "the feeds to prune are still there, and the manifest still lists them"
    assert _leftovers(out) == []

    assert _build(config, capsys, "--prune") == (0, [])
    assert _files(out) == without


def test_a_hub_that_is_down_hears_of_the_feeds_on_the_next_run(
    tmp_path: Path, hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys)[0] == 0
    hub.told()
    before = _files(out)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)

    hub.status = 503
    code, err = _build(config, capsys)
    assert code == 0
    assert err and all("HTTP 503; kept for the next run" in line for line in err), err
    assert hub.told() == set()
    changed = _feed_urls(_changed(before, _files(out)))
    assert _owed(out) == changed

    # Nothing changed since: the run replays its report, and still owes the hub these feeds.
    hub.status = 202
    assert _build(config, capsys) == (0, [])
    assert hub.told() == changed
    assert _owed(out) == set()
    assert _build(config, capsys) == (0, [])
    assert hub.told() == set(), "announced once, not again"


def test_a_file_that_may_not_be_replaced_publishes_nothing(
    tmp_path: Path, hub: Hub, reference: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real fault: an immutable index.html (chattr +i), which not even root may replace."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys)[0] == 0
    hub.told()
    before = _files(out)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)
    locked = out / "index.html"
    made = subprocess.run(["chattr", "+i", str(locked)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i refused here (needs root and a file system with attributes): {made.stderr.strip()}")
    try:
        code, err = _build(config, capsys)
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"{locked}: error: cannot write: Operation not permitted;"), err
    assert "nothing published (" in err[0] and "Traceback" not in err[0]
    assert _files(out) == before
    assert _leftovers(out) == []
    assert hub.told() == set()

    assert _build(config, capsys) == (0, [])
    assert _files(out) == reference
    assert hub.told() == _feed_urls(_changed(before, reference))


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {made.stderr.decode(errors='replace').strip()}")


def _used_kib(folder: Path) -> int:
    stats = os.statvfs(folder)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize // 1024


def test_a_full_disk_leaves_no_temporary_files_and_the_previous_build(tmp_path: Path) -> None:
    """Worker processes stage files of their own: a full disk must not leave theirs behind either."""
    needs_corpus()
    if shutil.which("mount") is None or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux and mount to make a small file system")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), str(tmp_path / "posts"), "-n", "300"],
        check=True,
        capture_output=True,
    )
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "64m")
    try:
        config = {
            "site": dict(LINUXCN_SITE),
            "posts": "posts",
            "output": str(disk / "out"),
            "split": {"categories": ["硬核观察"]},
        }
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command = [sys.executable, "-m", "feedwright", "build", "-q", "--jobs", "2", "-c", str(path)]
        assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
        before = _files(disk / "out")
        assert len(before) > 200
        full = _used_kib(disk)

        # A config-wide rebuild with room for a fraction of the new files.
        config["site"]["title"] = "Linux 中国 (renamed)"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        subprocess.run(["mount", "-o", f"remount,size={_used_kib(disk) + 512}k", str(disk)], check=True)
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 1
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(str(disk / "out"))
        assert result.stderr.rstrip().endswith("error: cannot write: No space left on device"), result.stderr
        assert _leftovers(disk / "out") == []
        assert _files(disk / "out") == before

        # A cold build on a disk that fills up.
        shutil.rmtree(disk / "out")
        subprocess.run(["mount", "-o", f"remount,size={full // 3}k", str(disk)], check=True)
        result = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, timeout=300)
        assert result.returncode == 1
        assert len(result.stderr.splitlines()) == 1 and "No space left on device" in result.stderr
        assert _leftovers(disk / "out") == []

        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
        assert _leftovers(disk / "out") == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def _empty_folders(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_a_batch_that_fails_while_staging_leaves_no_folder_it_made(
    tmp_path: Path, hub: Hub, reference: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new post's tag feeds are staged into a new folder; the disk fills up at index.html."""
    config = _site(tmp_path / "site", hub)
    out = config.parent / "out"
    assert _build(config, capsys)[0] == 0
    hub.told()
    before = _files(out)
    write_post(config.parent / "posts", "2025/09/new.md", NEW_POST)
    real_write_temp = atomic._write_temp

    def full(target: Path, data: bytes, durable: bool, folder_exists: bool = False) -> str | None:
        if target.name == "index.html" and target.parent.name == "out":  # the overview, not a feed page
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_write_temp(target, data, durable, folder_exists)

    monkeypatch.setattr(atomic, "_write_temp", full)
    code, err = _build(config, capsys)
    monkeypatch.undo()
    assert (code, err) == (1, [f"{out / 'index.html'}: error: cannot write: No space left on device"])
    assert _files(out) == before
    assert _leftovers(out) == []
    assert _empty_folders(out) == [], "the new tag's folder goes with the batch"
    assert hub.told() == set()

    assert _build(config, capsys) == (0, [])
    assert _files(out) == reference
    assert hub.told() == _feed_urls(_changed(before, reference))
