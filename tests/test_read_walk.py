"""read/walk.py: the posts folder → its post files, in order; links and special files refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedwright.read import find_post_files

from .conftest import write_post
from .read_helpers import front

# --- finding files ------------------------------------------------------------------------------------


def test_find_post_files(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    for name in ("b.md", "a.md", "2024/01/c.md", "notes.txt", ".hidden.md", ".git/x.md", "sub/.draft/y.md"):
        write_post(posts, name, front())
    files, problems = find_post_files(posts)
    assert [f.relative_to(posts.resolve()).as_posix() for f in files] == ["a.md", "b.md", "2024/01/c.md"]
    assert problems == []


def test_symbolic_links_leading_outside_are_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    posts = tmp_path / "posts"
    write_post(posts, "a.md", front())
    outside = tmp_path / "outside"
    write_post(outside, "secret.md", front(title="Secret"))
    (posts / "leak.md").symlink_to(outside / "secret.md")
    (posts / "leakdir").symlink_to(outside, target_is_directory=True)
    (posts / "alias.md").symlink_to(posts / "a.md")  # inside: fine
    files, problems = find_post_files(posts)
    names = sorted(f.name for f in files)
    assert names == ["a.md", "alias.md"]
    # Problem paths name the link itself, as the person at the terminal can find it.
    warned = {p.path: p for p in problems}
    assert set(warned) == {"posts/leak.md", "posts/leakdir"}
    assert warned["posts/leak.md"].severity == "warning"
    assert "outside the posts folder" in warned["posts/leak.md"].message
    assert "outside the posts folder" in warned["posts/leakdir"].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_skipped_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    posts = tmp_path / "posts"
    write_post(posts, "a.md", front())
    os.mkfifo(posts / "pipe.md")  # reading it would block the build forever
    files, problems = find_post_files(posts)
    assert [f.name for f in files] == ["a.md"]
    assert [(p.path, p.severity) for p in problems] == [("posts/pipe.md", "warning")]
