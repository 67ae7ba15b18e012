"""The sample site's output, pinned: every published file byte for byte against tests/golden/.

A change that is meant to change the output regenerates the golden files (see
tests/regenerate_golden.py) and shows the difference in its diff; any other change must leave
them as they are.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from feedwright.engine import process, publish

from .regenerate_golden import GOLDEN, REGENERATE, build, copy_sample, published_files


def golden_files() -> dict[str, bytes]:
    if not GOLDEN.is_dir():
        pytest.fail(f"{GOLDEN} is missing; write it with: {REGENERATE}")
    return {path.relative_to(GOLDEN).as_posix(): path.read_bytes() for path in GOLDEN.rglob("*") if path.is_file()}


def _first_difference(got: bytes, want: bytes) -> str:
    got_lines, want_lines = got.splitlines(), want.splitlines()
    for number, (a, b) in enumerate(zip(got_lines, want_lines, strict=False), 1):
        if a != b:
            return f"line {number}: built {a[:200]!r}, golden {b[:200]!r}"
    return f"built {len(got_lines)} lines, golden {len(want_lines)} lines"


def assert_matches_golden(out: Path, build_kind: str) -> None:
    built, golden = published_files(out), golden_files()
    lines = [f"  missing (golden, not built): {name}" for name in sorted(golden.keys() - built.keys())]
    lines += [f"  extra (built, not golden): {name}" for name in sorted(built.keys() - golden.keys())]
    lines += [
        f"  differs: {name}: {_first_difference(built[name], golden[name])}"
        for name in sorted(built.keys() & golden.keys())
        if built[name] != golden[name]
    ]
    if lines:
        pytest.fail(
            f"the {build_kind} build of the sample site differs from {GOLDEN}:\n"
            + "\n".join(lines)
            + f"\nIf the output is meant to change, regenerate it with `{REGENERATE}`"
            + " and review `git diff tests/golden`.",
            pytrace=False,
        )


def test_sample_site_builds_the_golden_files(tmp_path: Path) -> None:
    out = build(copy_sample(tmp_path / "site"), "--jobs", "1")
    assert_matches_golden(out, "cold --jobs 1")


def test_sample_site_builds_the_same_bytes_cold_warm_and_in_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = copy_sample(tmp_path / "site")
    # The sample is too small for worker processes; with the thresholds at one post and one
    # feed, --jobs 2 parses posts and renders feeds in workers as a large site would.
    monkeypatch.setattr(process, "POST_BATCHES", dataclasses.replace(process.POST_BATCHES, least=1))
    monkeypatch.setattr(publish, "FEED_BATCHES", dataclasses.replace(publish.FEED_BATCHES, least=1))
    out = build(config, "--jobs", "2")
    assert_matches_golden(out, "cold --jobs 2")

    # Every published file deleted, the cache kept: the feeds are rendered again from the cache.
    for path in out.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        elif not path.name.startswith("."):
            path.unlink()
    assert_matches_golden(build(config, "--jobs", "1"), "warm --jobs 1")
    assert_matches_golden(build(config, "--jobs", "2"), "warm no-op --jobs 2")

    # Every post touched, none changed: each is hashed again and the output stays.
    for post in (config.parent / "posts").rglob("*.md"):
        stat = post.stat()
        os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert_matches_golden(build(config, "--jobs", "2"), "warm after touching every post, --jobs 2")
    assert_matches_golden(build(config, "--jobs", "1", "--no-cache"), "--no-cache --jobs 1")
