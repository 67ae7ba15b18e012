"""When each post file was first committed: `date_fallback: git`, read for the whole folder at once.

One `git log` for the posts folder gives every file's date (following renames), where asking git
once per file costs a process per post. A shallow clone (CI's default checkout) knows only its last
commit, so every post would get that commit's date: it is refused, with the fix.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..config import Config
from ..model import GitDates

GIT_SECONDS = 120


class ShallowClone(Exception):
    """The posts are in a shallow clone: git cannot say when most files were added."""


def with_git_dates(config: Config) -> Config:
    """`config` carrying its posts' git dates when `date_fallback: git` asks for them (once per run)."""
    if config.date_fallback != "git" or config.git_dates is not None:
        return config
    return replace(config, git_dates=read_git_dates(config.posts_dir()))


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, timeout=GIT_SECONDS, check=False, stdin=subprocess.DEVNULL
    )


def _error(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"git exited with {done.returncode}"


def read_git_dates(folder: Path) -> GitDates:
    """Every file's first commit date under `folder`; raises ShallowClone in a shallow clone."""
    try:
        shallow = _git(folder, "rev-parse", "--is-shallow-repository")
        if shallow.returncode != 0:
            return GitDates(error=f"git: {_error(shallow)}")
        if shallow.stdout.strip() == b"true":
            raise ShallowClone(
                f"{folder} is in a shallow git clone, so every post would get the date of its last commit;"
                " run 'git fetch --unshallow' (in CI, check out with the full history, e.g. fetch-depth: 0)"
            )
        done = _git(folder, "-c", "core.quotepath=off", "log", "-z", "--format=%x01%aI", "--name-status", "-M",
                    "--diff-filter=AR", "--relative", "--", ".")  # fmt: skip
    except FileNotFoundError:
        return GitDates(error="git is not installed")
    except (OSError, subprocess.SubprocessError) as exc:
        return GitDates(error=f"git could not run: {exc}")
    if done.returncode != 0:
        return GitDates(error=f"git: {_error(done)}")
    return GitDates(first_added(done.stdout.decode("utf-8", "surrogateescape")))


def first_added(log: str) -> dict[str, datetime]:
    """`git log -z --format=%x01%aI --name-status -M` (newest first) → each file's date of addition.

    A file renamed later keeps the date its first name was added: walking back in time, a rename
    maps the older name to the file it became.
    """
    dates: dict[str, datetime] = {}
    became: dict[str, str] = {}
    for record in log.split("\x01")[1:]:
        tokens = record.split("\x00")
        when = datetime.fromisoformat(tokens[0].strip())
        i = 1
        while i < len(tokens):
            status = tokens[i].strip()
            if not status:
                i += 1
                continue
            if status[0] in "RC" and i + 2 < len(tokens):
                old, new = tokens[i + 1], tokens[i + 2]
                if status[0] == "R":
                    became[old] = became.pop(new, new)
                i += 3
                continue
            if i + 1 < len(tokens) and status[0] == "A":
                path = tokens[i + 1]
                dates[became.get(path, path)] = when
            i += 2
    return dates
