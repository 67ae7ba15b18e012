"""Overlapping runs: real processes contend for the output folder's lock.

A second build waits up to `lock_timeout` for the lock, then exits 75 with one line and writes
nothing; a lock whose holder died (SIGKILL) never blocks; two builds started together both succeed,
one after the other.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree

from feedwright.write.atomic import TMP_MARK
from feedwright.write.lock import LOCK_NAME

from .conftest import CORPUS, LINUXCN_SITE, needs_corpus, write_post

EXIT_LOCKED = 75

# Holds the lock the way a build does (filelock on the same file), says so, then sleeps until killed
# or, given a number of seconds, releases the lock by exiting.
HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""

POST = """---
title: Post {n}
date: '2024-03-0{day} 08:00:00'
tags: [Linux, tag{n}]
---

Body of post {n}.
"""


def _site(tmp_path: Path, lock_timeout: float, posts: Path | None = None) -> tuple[Path, Path]:
    """A config (in its own folder) and its output folder; three small posts unless `posts` is given."""
    if posts is None:
        posts = tmp_path / "posts"
        for n in range(3):
            write_post(posts, f"p{n}.md", POST.format(n=n, day=n + 1))
    out = tmp_path / "out"
    data = {
        "site": LINUXCN_SITE,
        "posts": str(posts),
        "output": str(out),
        "split": {"categories": ["硬核观察"]},
        "lock_timeout": lock_timeout,
    }
    (tmp_path / "site").mkdir(exist_ok=True)
    config = tmp_path / "site" / "config.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config, out


def _build_command(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "feedwright", "build", "-c", str(config), *extra]


def _build(config: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    result = subprocess.run(_build_command(config, *extra), capture_output=True, text=True, timeout=300)
    return result, time.perf_counter() - started


@contextlib.contextmanager
def _holder(lock_file: Path, seconds: float = 600) -> Iterator[subprocess.Popen[str]]:
    """A child process that holds the lock; SIGKILLed on the way out if still alive."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_file), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` with its size and mtime: what a run that writes nothing leaves equal."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _assert_valid_output(out: Path) -> int:
    """Every feed parses, nothing is half-written; returns how many feed files there are."""
    assert not [p for p in out.rglob("*") if TMP_MARK in p.name]
    feeds = 0
    for path in sorted(out.rglob("*")):
        if path.name in ("atom.xml", "rss.xml"):
            etree.fromstring(path.read_bytes())
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
            assert parsed.entries, path
            feeds += 1
        elif path.name == "feed.json":
            assert json.loads(path.read_text(encoding="utf-8"))["items"], path
            feeds += 1
    manifest = json.loads((out / ".feedwright-manifest.json").read_text(encoding="utf-8"))
    assert all((out / name).is_file() for name in manifest["files"])
    return feeds


# --- a lock held by another process ---------------------------------------------------------------


@pytest.mark.parametrize("timeout", [0, 1])
def test_busy_lock_exits_75_with_one_line_then_a_dead_holder_never_blocks(tmp_path: Path, timeout: float) -> None:
    config, out = _site(tmp_path, lock_timeout=timeout)
    with _holder(out / LOCK_NAME) as holder:
        before = _tree(tmp_path)
        result, seconds = _build(config)
        assert result.returncode == EXIT_LOCKED, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "lock" in lines[0] and "another" in lines[0], lines[0]
        assert str(out) in lines[0]
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert seconds >= timeout  # it did wait for the configured time
        assert _tree(tmp_path) == before, "a build that did not get the lock wrote something"
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]

        # The holder dies without releasing anything: the kernel drops its lock with it.
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert (out / LOCK_NAME).exists()  # the file stays; it is not what locks
        result, _ = _build(config, "-q")
        assert result.returncode == 0, result.stderr
    assert _assert_valid_output(out) > 0


def test_a_build_waits_for_the_lock_then_builds(tmp_path: Path) -> None:
    config, out = _site(tmp_path, lock_timeout=60)
    with _holder(out / LOCK_NAME, seconds=1.5):
        result, seconds = _build(config, "-q")
    assert result.returncode == 0, result.stderr
    assert seconds >= 1.0, "the build did not wait for the holder"
    assert _assert_valid_output(out) > 0


# --- builds against builds --------------------------------------------------------------------------


def _corpus_subset(folder: Path, count: int) -> Path:
    """`count` corpus posts copied to `folder`: enough for worker processes and a build of a few seconds."""
    needs_corpus()
    for source in sorted(CORPUS.rglob("*.md"))[:count]:
        target = folder / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return folder


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    members.append(int(entry.name))
    return members


def test_a_build_killed_while_holding_the_lock_does_not_block_the_next(tmp_path: Path) -> None:
    """SIGKILL the main process of a build with worker processes; the next build gets the lock at once."""
    if not Path("/proc/self/stat").is_file():
        pytest.skip("needs Linux /proc to see the build's worker processes")
    posts = _corpus_subset(tmp_path / "posts", 60)
    config, out = _site(tmp_path, lock_timeout=1, posts=posts)
    proc = subprocess.Popen(
        _build_command(config, "-q", "--jobs", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers can be found, and ended, by the group's id
    )
    try:
        # Workers start after the lock is taken; wait for them (or, were there none, for the lock file).
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and len(_group_members(proc.pid)) < 2:
            time.sleep(0.01)
        assert proc.poll() is None, "the build ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as cron or the OOM killer would
        proc.wait()
        # Orphaned workers (if any) may still live: they must not hold the lock.
        result, seconds = _build(config, "-q")
        assert result.returncode == 0, result.stderr
        assert seconds < 60
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert _assert_valid_output(out) > 0


_SUMMARY = re.compile(r"(\d+) files written, (\d+) unchanged")


@pytest.mark.parametrize("cache", ["cache", "no-cache"])
def test_two_builds_at_once_both_succeed_one_after_the_other(tmp_path: Path, cache: str) -> None:
    """Both exit 0 and the output is valid; the lock makes them run one after the other.

    With --no-cache each build starts from a cache of its own, so nothing but the lock orders them: two
    builds at once would both find the files missing and both write all of them.
    """
    posts = _corpus_subset(tmp_path / "posts", 60)
    config, out = _site(tmp_path, lock_timeout=300, posts=posts)
    extra = ["--no-cache"] if cache == "no-cache" else []
    procs = [
        subprocess.Popen(_build_command(config, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, stderr) in zip(procs, results, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
    feeds = _assert_valid_output(out)
    # The second build starts after the first has written everything and finds every file up to
    # date: one wrote them all, the other none.
    counts = []
    for stdout, _ in results:
        match = _SUMMARY.search(stdout)
        assert match, stdout
        counts.append((int(match[1]), int(match[2])))
    written = sorted(w for w, _ in counts)
    assert written[0] == 0, counts
    assert written[1] >= feeds, counts
