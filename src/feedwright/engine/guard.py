"""Machine faults never empty a feed, and the output folder holds what was published.

A posts folder that is missing (an unmounted share, a typo), that cannot be listed, or that
yields no posts where the last build published some looks to a build exactly like a site whose
posts were all deleted; publishing that would empty every feed (and `--prune` delete nearly every
file). So such a build is refused before anything is written, unless `--allow-empty` says the
emptiness is meant. A build of another config than the one that owns the output folder is refused
too, unless `--force`. And a published file that is not what was published (deleted, truncated,
overwritten: its size or modification time differs from the manifest's) is rendered again.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from ..model import Problem
from ..read.walk import MISSING, UNLISTABLE
from ..write.manifest import Manifest

EXIT_FAILED = 1
EXIT_USAGE = 2


class BuildRefused(Exception):
    """The build stopped before writing anything; the CLI prints `problem` as its one line."""

    def __init__(self, problem: Problem, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.exit_code = exit_code


def check_owner(manifest: Manifest, owner: str | None, force: bool, where: str) -> None:
    """Refuse a build whose config is not the one that owns the output folder."""
    if force or owner is None or manifest.owner is None or manifest.owner == owner:
        return
    raise BuildRefused(
        Problem(
            where,
            f"this output folder is published by another config ({manifest.owner}); nothing written"
            " (give --force to make this config its owner)",
        ),
        EXIT_USAGE,
    )


def check_walk(walk_problems: Iterable[Problem], allow_empty: bool) -> None:
    """Refuse a build whose posts folder is missing or has a folder that cannot be listed."""
    if allow_empty:
        return
    faults = [p for p in walk_problems if p.message.startswith((MISSING, UNLISTABLE))]
    if not faults:
        return
    first = faults[0]
    more = f" (and {len(faults) - 1} more folders)" if len(faults) > 1 else ""
    raise BuildRefused(
        Problem(
            first.path,
            f"{first.message}{more}; nothing written, since the feeds would lose every post in it"
            " (mount or fix the folder; --allow-empty builds without it)",
        )
    )


def check_posts(manifest: Manifest, posts_read: int, allow_empty: bool, where: str) -> None:
    """Refuse a build that read no posts where the last build published some."""
    if allow_empty or posts_read or not manifest.had_posts():
        return
    last = f"{manifest.posts} posts" if manifest.posts else "posts"
    raise BuildRefused(
        Problem(
            where,
            f"no posts read where the last build published {last}; nothing written"
            " (is the folder mounted? --allow-empty publishes empty feeds)",
        )
    )


def damaged(out_dir: str, names: Iterable[str], stamps: dict[str, tuple[int, int]] | None) -> set[str]:
    """Of the files `names` under `out_dir`, those that are not what the last build published.

    Missing, not a regular file, or another size or modification time than the manifest holds.
    A manifest older than its stamps (None) vouches only that the files exist.
    """
    folder = f"{out_dir}{os.sep}"
    bad: set[str] = set()
    for name in names:
        try:
            st = os.stat(folder + name)
        except OSError:
            bad.add(name)
            continue
        published = stamps is None or stamps.get(name) == (st.st_size, st.st_mtime_ns)
        if not (stat.S_ISREG(st.st_mode) and published):
            bad.add(name)
    return bad
