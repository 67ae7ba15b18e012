"""Shared fixtures: the real corpus beside the repo, configs, and a frozen 'now'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedwright.config import Config, config_from_mapping

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "linuxcn"
SEED = SHARED / "seed" / "000_df3083a5bd741254.txt"
NOW = datetime(2026, 11, 25, tzinfo=UTC)

LINUXCN_SITE = {
    "title": "Linux 中国",
    "base_url": "https://linux.cn/",
    "description": "开源中文社区",
    "language": "zh-CN",
    "timezone": "Asia/Shanghai",
    "author": {"name": "Linux 中国"},
}


def needs_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the real corpus is not beside the repo ({CORPUS} is absent)")


def needs_seed() -> None:
    if not SEED.is_file():
        pytest.skip(f"the user's seed digest is not beside the repo ({SEED} is absent)")


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """A Config for a posts folder, writing into a temporary output folder."""

    def make(posts: Path | str, **overrides: Any) -> Config:
        data: dict[str, Any] = {
            "site": dict(LINUXCN_SITE),
            "posts": str(posts),
            "output": str(tmp_path / "out"),
            "split": {"categories": ["硬核观察"]},
        }
        for key, value in overrides.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return config_from_mapping(data, root=tmp_path)

    return make


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty posts folder (the read stage's tests write their posts into it)."""
    posts = tmp_path / "posts"
    posts.mkdir()
    return posts


@pytest.fixture
def config(make_config: Callable[..., Config], folder: Path) -> Config:
    """The Linux.cn-like config of `folder`."""
    return make_config(folder)


def write_post(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
