"""The collector is kept off what a build holds, and handed everything back when the build ends."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from feedwright.config import Config
from feedwright.engine.build import BuildOptions, run_build
from feedwright.engine.gcpause import kept_out_of_sight

from .conftest import NOW, write_post


def test_kept_objects_are_frozen_until_the_build_ends() -> None:
    assert gc.get_freeze_count() == 0
    held = [object() for _ in range(10)]
    with kept_out_of_sight() as keep:
        assert gc.get_freeze_count() == 0
        keep()
        assert gc.get_freeze_count() >= len(held)
    assert gc.get_freeze_count() == 0


def test_a_caller_that_froze_objects_is_left_alone() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert before > 0
        with kept_out_of_sight() as keep:
            made = [object() for _ in range(1000)]
            keep()
            assert gc.get_freeze_count() == before
        assert gc.get_freeze_count() == before
        del made
    finally:
        gc.unfreeze()


def test_a_build_leaves_nothing_frozen(
    tmp_path: Path, make_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "---\ntitle: A\ndate: 2024-01-01\ntags: [Linux]\n---\n\nText.\n")
    frozen: list[int] = []
    real_freeze = gc.freeze

    def freeze() -> None:
        real_freeze()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gc, "freeze", freeze)
    report = run_build(make_config(posts), BuildOptions(now=NOW, jobs=1))
    assert report.posts_read == 1
    # The build froze what it held (after the walk, after reading the posts and after planning),
    # then let it all go.
    assert len(frozen) == 3 and all(count > 0 for count in frozen)
    assert gc.get_freeze_count() == 0
