"""date_fallback: git — every post's date from one git process, renames followed, shallow clones refused."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from feedwright.read import gitdates
from feedwright.read.gitdates import ShallowClone, first_added, read_git_dates

from .test_bad_input import Site, assert_clean_run, parse_feed

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]


def _commit(folder: Path, when: str, message: str = "posts") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run([*GIT, *args], cwd=folder, check=True, env=env, capture_output=True)


def _repo(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([*GIT, "init", "-q"], cwd=folder, check=True, capture_output=True)


def test_dates_of_every_file_from_one_git_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = tmp_path / "posts"
    _repo(posts)
    (posts / "a.md").write_text("a\n")
    (posts / "sub").mkdir()
    (posts / "sub" / "b c.md").write_text("b\n")
    _commit(posts, "2020-01-02T03:04:05+08:00")
    (posts / "sub" / "b c.md").rename(posts / "sub" / "moved 中文.md")
    (posts / "d.md").write_text("d\n")
    _commit(posts, "2021-06-07T08:09:10+00:00")
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(args)
        return real(args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(gitdates.subprocess, "run", counting)
    found = read_git_dates(posts)
    assert found.error == ""
    assert found.dates == {
        "a.md": datetime.fromisoformat("2020-01-02T03:04:05+08:00"),
        # A renamed file keeps the date its first name was added.
        "sub/moved 中文.md": datetime.fromisoformat("2020-01-02T03:04:05+08:00"),
        "d.md": datetime.fromisoformat("2021-06-07T08:09:10+00:00"),
    }
    assert sum(1 for c in calls if "log" in c) == 1


def test_first_added_follows_a_chain_of_renames() -> None:
    log = (
        "\x012024-03-01T00:00:00+00:00\x00\nR100\x00b.md\x00c.md\x00"
        "\x012024-02-01T00:00:00+00:00\x00\nR090\x00a.md\x00b.md\x00A\x00z.md\x00"
        "\x012024-01-01T00:00:00+00:00\x00\nA\x00a.md\x00"
    )
    dates = first_added(log)
    assert dates["c.md"] == datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    assert dates["z.md"] == datetime.fromisoformat("2024-02-01T00:00:00+00:00")
    assert "a.md" not in dates and "b.md" not in dates


def test_a_folder_outside_git_gives_git_own_error(tmp_path: Path) -> None:
    found = read_git_dates(tmp_path)
    assert found.dates == {}
    assert "not a git repository" in found.error


def test_the_build_names_git_error_per_file(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", {"date_fallback": "git"})
    site.write("undated.md", "---\ntitle: Undated\n---\nbody\n")
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    (line,) = run.about("posts/undated.md", "error")
    assert "not a git repository" in line["message"], line.group(0)


def test_an_uncommitted_file_is_told_to_commit_it(tmp_path: Path) -> None:
    site = Site(tmp_path / "site", {"date_fallback": "git"})
    _repo(site.posts)
    _commit(site.posts, "2020-01-01T00:00:00+00:00")
    site.write("new.md", "---\ntitle: New\n---\nbody\n")
    run = site.build()
    (line,) = run.about("posts/new.md", "error")
    assert "git has no commit that adds this file" in line["message"]


def test_a_shallow_clone_is_refused_with_the_fix(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    _repo(origin)
    (origin / "posts").mkdir()
    (origin / "posts" / "a.md").write_text("---\ntitle: A\n---\nbody\n")
    _commit(origin, "2020-01-01T00:00:00+00:00")
    (origin / "posts" / "b.md").write_text("---\ntitle: B\n---\nbody\n")
    _commit(origin, "2022-01-01T00:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    with pytest.raises(ShallowClone):
        read_git_dates(clone / "posts")
    site = Site(tmp_path / "site", {"date_fallback": "git", "posts": str(clone / "posts")})
    run = site.build()
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "shallow" in run.stderr and "git fetch --unshallow" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (site.out / "atom.xml").exists()
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=clone, check=True)
    run = site.build()
    assert run.returncode == 0, run.stderr
    dates = {e.title: e.published for e in parse_feed(site.out / "atom.xml").entries}
    assert dates["A"].startswith("2020-01-01") and dates["B"].startswith("2022-01-01")


def test_a_toml_post_is_told_its_fix_in_toml(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    site.write("toml.md", '+++\ntitle = "T"\n+++\nbody\n')
    run = site.build()
    (line,) = run.about("posts/toml.md", "error")
    assert "'date = 2024-01-31T18:30:00+08:00'" in line["message"], line.group(0)


def test_a_toml_post_without_title_is_told_in_toml(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    site.write("toml.md", "+++\ndate = 2024-01-05\n+++\nno heading\n")
    run = site.build()
    (line,) = run.about("posts/toml.md", "error")
    assert "add 'title = \"...\"'" in line["message"], line.group(0)
