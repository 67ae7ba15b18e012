"""The posts folder → every post file in it, in order; and how to name a file in a problem line."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from ..model import Problem

# How a problem line of the walk begins when a folder could not be listed: what engine/guard.py
# tells a machine fault (an unreadable or vanished folder) by.
UNLISTABLE = "cannot list the folder"
MISSING = "posts folder does not exist"


def _markdown(rel: str) -> bool:
    return rel.endswith(".md")


def find_post_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Every *.md below `folder`, sorted; links that lead outside it are refused."""
    found, problems = walk_posts(folder)
    return [Path(path) for path, _ in found], problems


def walk_posts(
    folder: Path, wants: Callable[[str], bool] = _markdown
) -> tuple[list[tuple[str, os.stat_result]], list[Problem]]:
    """Every post below `folder` (as a path string) with its stat, sorted; links leading outside are refused.

    `wants` tells a post by its path relative to `folder`, '/'-separated (read/select.py).

    This walk runs on every cron run, including those that do nothing, so it asks the least of
    the file system: os.scandir's entries know their type without a stat, which leaves one stat
    per post, and no Path object is made (benchmarks/README.md, design notes).
    """
    if not folder.is_dir():
        return [], [Problem(str(folder), f"{MISSING} (set 'posts' in the config or give --posts)")]
    problems: list[Problem] = []
    found: list[tuple[str, os.stat_result]] = []
    root = folder.resolve()
    cut = len(str(root)) + 1
    pending = [str(root)]
    while pending:
        base = pending.pop()
        try:
            with os.scandir(base) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(display_path(Path(base)), f"{UNLISTABLE}: {exc.strerror or exc}", "warning"))
            continue
        folders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                link = entry.is_symlink()
                if link and entry.is_dir():
                    inside = _inside(Path(entry.path), root)
                    message = (
                        "symbolic link to a folder is not followed"
                        if inside
                        else "symbolic link leads outside the posts folder; skipped"
                    )
                    problems.append(Problem(display_path(Path(entry.path)), message, "warning"))
                    continue
                if not wants(entry.path[cut:].replace(os.sep, "/")):
                    continue
                if link and not _inside(Path(entry.path), root):
                    problems.append(
                        Problem(
                            display_path(Path(entry.path)),
                            "symbolic link leads outside the posts folder; skipped",
                            "warning",
                        )
                    )
                    continue
                st = entry.stat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                # A named pipe or device would block or never end the read; cron must not hang on it.
                problems.append(Problem(display_path(Path(entry.path)), "not a regular file; skipped", "warning"))
                continue
            found.append((entry.path, st))
        pending.extend(reversed(folders))
    return found, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path for a problem line, openable from where the build runs; a link is named, not resolved.

    `cwd`: the working folder, resolved, when the caller names many paths: resolving it once for
    them all spares a resolve per path.
    """
    try:
        return str(path.relative_to(cwd or Path.cwd().resolve()))
    except ValueError:
        return str(path)
