"""A build stopped by a signal, or whose standard output closes, ends in one line and leaves no mess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

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


@pytest.mark.parametrize(("signum", "code", "to_group"), [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)])
def test_a_signal_stops_the_build_with_one_line(big_site: Path, signum: int, code: int, to_group: bool) -> None:
    run = _start(big_site, "--no-cache", "--jobs", "2")
    time.sleep(2.0)
    assert run.poll() is None, "the build ended before it could be stopped; make the site larger"
    if to_group:
        os.killpg(run.pid, signum)  # Ctrl-C at a terminal reaches the workers too
    else:
        run.send_signal(signum)
    _, err = run.communicate(timeout=120)
    assert run.returncode == code, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("feedwright: "), err
    assert _leftovers(big_site) == []
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
