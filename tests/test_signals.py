"""A build stopped by a signal, or whose standard output closes, ends in one line and leaves no mess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from feedwright.write.atomic import TMP_MARK
from feedwright.write.manifest import MANIFEST

from .test_faults import all_parse, assert_recovers, build, cold, make_site, one_line, published, state

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site large enough that a cold build is still running a second or two after it starts."""
    root = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), str(root / "posts"), "-n", "1200"],
        check=True,
        capture_output=True,
    )
    config = {
        "site": {"title": "t", "base_url": "https://example.org/", "timezone": "Asia/Shanghai"},
        "posts": "posts",
        "output": "out",
        "split": {"categories": ["硬核观察"]},
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedwright", "build", "-c", "config.yaml", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _leftovers(root: Path) -> list[Path]:
    return [p for p in (root / "out").rglob(".*fw-tmp*")] if (root / "out").exists() else []


@pytest.mark.parametrize(
    ("signum", "code", "to_group"),
    [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True), (signal.SIGTERM, 143, True)],
    ids=["SIGTERM", "SIGINT-to-the-group", "SIGTERM-to-the-group"],
)
def test_a_signal_stops_the_build_with_one_line(big_site: Path, signum: int, code: int, to_group: bool) -> None:
    run = _start(big_site, "--no-cache", "--jobs", "2")
    time.sleep(2.0)
    assert run.poll() is None, "the build ended before it could be stopped; make the site larger"
    if to_group:
        # Ctrl-C at a terminal reaches the workers too, and so does systemd's SIGTERM to a service.
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    try:
        _, err = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        pytest.fail("the build did not end after the signal")
    assert run.returncode == code, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("feedwright: "), err
    assert _leftovers(big_site) == []
    out = big_site / "out"
    assert [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())] == []
    # The next plain run builds the site without help.
    again = subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-c", "config.yaml", "-q"],
        cwd=big_site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert (big_site / "out" / "atom.xml").is_file()


def test_a_closed_standard_output_is_no_error(big_site: Path) -> None:
    run = _start(big_site, "-v")
    assert run.stdout is not None
    run.stdout.close()  # `feedwright build -v | head -0`: nobody reads what the build prints
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err


# feedwright's own command line, with os.replace sending the process `signum` when the batch renames its
# third file and again whenever a rename puts a file back; with "fail", its fifth rename fails (EIO);
# with "thread", another thread runs meanwhile (as a progress bar's monitor does), which the kernel
# hands the signal to when the main thread blocks it.
SIGNAL_MID_COMMIT = """
import errno, os, signal, sys, threading, time
signum, fail = int(sys.argv.pop(1)), sys.argv.pop(1)
if fail == "thread":
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
fail = fail == "fail"
signal.signal(signal.SIGINT, signal.default_int_handler)
real = os.replace
renames = []
def replace(src, dst):
    name = os.path.basename(src)
    if ".fw-tmp-was-" in name:
        os.kill(os.getpid(), signum)
    elif ".fw-tmp-" in name:
        renames.append(dst)
        if len(renames) == 3:
            os.kill(os.getpid(), signum)
        if fail and len(renames) == 5:
            raise OSError(errno.EIO, "Input/output error")
    real(src, dst)
os.replace = replace
from feedwright.cli import main
sys.exit(main())
"""

NEW_POST = """---
title: A post that arrives as the build is stopped
date: 2025-10-01T10:00:00+08:00
tags: [Linux, 新标签]
---

Fresh text.
"""


_MODES = {"renames-done": "-", "rename-fails": "fail", "another-thread": "thread"}


@pytest.mark.parametrize("how", list(_MODES))
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_commit_waits_until_every_file_is_old_or_new(
    tmp_path: Path, signum: int, code: int, how: str
) -> None:
    """A stop that arrives while the batch renames (or puts files back) takes effect once it is done."""
    site = make_site(tmp_path / "site")
    first = build(site)
    assert first.returncode == 0, first.stderr
    out = site / "feeds"
    before = state(out)
    (site / "posts" / "2025" / "10").mkdir(parents=True)
    (site / "posts" / "2025" / "10" / "new.md").write_text(NEW_POST, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SIGNAL_MID_COMMIT, str(signum), _MODES[how], "build", "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == code, result.stderr
    assert one_line(result).startswith("feedwright: "), result.stderr
    if how == "rename-fails":
        assert state(out) == before, "every file, the manifest too, holds the previous build's bytes"
    else:
        assert published(out) == cold(site, tmp_path), "every file holds the new build's bytes"
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert set(manifest["files"]) == set(published(out))
    all_parse(out)
    assert [p for p in out.rglob("*") if TMP_MARK in p.name] == []
    assert [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())] == []
    assert_recovers(site, tmp_path)
