"""One post file → a ReadResult: the read stage's steps in order, every refusal turned into a Problem."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import Config
from ..generators import SiteRules, rules_for
from ..model import Post, Problem
from .decode import decode, read_bytes, xml_safe
from .fields import to_post
from .frontmatter import front_matter_language, scrub, split_front_matter
from .reject import Reject, Unreadable


@dataclass(frozen=True)
class ReadResult:
    """A post, or None when it was rejected or skipped, and what was wrong with it."""

    post: Post | None
    problems: tuple[Problem, ...]
    skipped: str | None = None
    # SHA-256 of the bytes that were parsed ('' when the file could not be read whole): the cache
    # keys the result by these very bytes, not by a second read that a writer could race.
    digest: str = ""
    # The file system refused the file (Unreadable): the post may read fine next run, unchanged.
    unread: bool = False


def read_post(path: Path, config: Config, now: datetime, display: str | None = None) -> ReadResult:
    """Read one file into a Post. Never raises for bad input: problems say what is wrong."""
    return read_with(path, rules_for(config), now, display)


def relative_path(path: Path, config: Config) -> str:
    """`path` relative to the posts folder, '/'-separated; a file outside it goes by its name."""
    try:
        return path.resolve().relative_to(config.posts_dir()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.name


def read_with(path: Path, rules: SiteRules, now: datetime, display: str | None = None) -> ReadResult:
    """read_post with the site's rules already made (one SiteRules serves a whole run)."""
    config = rules.config
    shown = display or str(path)
    problems: list[Problem] = []
    try:
        raw = read_bytes(path, config.limits.max_post_bytes)
    except Reject as exc:
        return ReadResult(None, (Problem(shown, str(exc), "error", exc.line),), unread=isinstance(exc, Unreadable))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        post, skipped = _parse(raw, path, rules, now, shown, problems)
    except Reject as exc:
        problems.append(Problem(shown, str(exc), "error", exc.line))
        return ReadResult(None, tuple(problems), digest=digest)
    return ReadResult(post, tuple(problems), skipped, digest)


def _parse(
    raw: bytes, path: Path, rules: SiteRules, now: datetime, shown: str, problems: list[Problem]
) -> tuple[Post | None, str | None]:
    text = xml_safe(decode(raw, shown, problems), shown, problems)
    if not text.strip():
        raise Reject("the file is empty (a post starts with '---', front matter, '---', then the text)")
    own = rules.header(text)
    meta, body, body_line = own if own is not None else split_front_matter(text)
    meta, escaped = scrub(meta, 0)
    if escaped:
        problems.append(
            Problem(
                shown,
                f"removed {escaped} control or non-character code point(s) written as escapes in the front matter",
                "warning",
            )
        )
    rel = relative_path(path, rules.config)
    return to_post(path, rel, meta, body, body_line, rules, now, shown, problems, front_matter_language(text))
