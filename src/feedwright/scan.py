"""The posts folder → every post file with its stat: the first look of every run, and all a no-op run does."""

from __future__ import annotations

import hashlib

from .cache import FileStamp
from .config import Config
from .model import Problem
from .posts import walk_posts


def scan(config: Config) -> tuple[dict[str, FileStamp], list[Problem]]:
    """Every post file under the posts folder with its stat, and problems of the walk."""
    folder = config.posts_dir()
    if not folder.is_dir():
        return {}, [Problem(str(folder), "posts folder does not exist (set 'posts' in the config or give --posts)")]
    found, problems = walk_posts(folder)
    stamps = {path: FileStamp(path, st.st_size, st.st_mtime_ns) for path, st in found}
    return stamps, problems


def file_digest(path: str) -> str:
    """The hash of a file's bytes: what tells a touched file from a changed one ('' if unreadable)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""
