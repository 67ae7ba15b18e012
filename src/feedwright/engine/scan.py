"""The posts folder → every post file with its stat: the first look of every run, and all a no-op run does."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..config import Config
from ..model import Problem
from ..read import walk_posts
from ..read.select import selection
from .records import FileStamp, KnownFile


def scan(config: Config) -> tuple[dict[str, FileStamp], list[Problem]]:
    """Every post file under the posts folder with its stat, and problems of the walk."""
    found, problems = walk_posts(config.posts_dir(), selection(config).wants)
    stamps = {path: FileStamp(path, st.st_size, st.st_mtime_ns) for path, st in found}
    return stamps, problems


def file_digest(path: str) -> str:
    """The hash of a file's bytes: what tells a touched file from a changed one ('' if unreadable)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


@dataclass
class Changes:
    """How the posts folder differs from what the cache holds."""

    # Every file whose bytes the cache holds → their hash; touched files included.
    digests: dict[str, str] = field(default_factory=dict)
    # Same bytes under a new stat (a checkout, a copy): the cache needs only the new stat.
    touched: list[FileStamp] = field(default_factory=list)
    # New or changed files: they must be read.
    todo: list[str] = field(default_factory=list)
    # Cached files that are no more.
    gone: list[str] = field(default_factory=list)


def compare(stamps: dict[str, FileStamp], known: dict[str, KnownFile]) -> Changes:
    """Sort the files into unchanged, touched, changed and gone; reads only files whose stat moved."""
    changes = Changes()
    for key, stamp in stamps.items():
        cached = known.get(key)
        if cached is not None and (cached.size, cached.mtime_ns) == (stamp.size, stamp.mtime_ns):
            changes.digests[key] = cached.digest
        elif cached is not None and cached.size == stamp.size and file_digest(key) == cached.digest:
            changes.digests[key] = cached.digest
            changes.touched.append(stamp)
        else:
            changes.todo.append(key)
    changes.gone = [key for key in known if key not in stamps]
    return changes
