"""Helpers for the generator syntax tests: a small site of one generator, one post through `show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from feedwright.cli import main

POSTS = {"jekyll": "_posts", "hugo": "content", "hexo": "source/_posts", "zola": "content", "pelican": "content"}


def site(root: Path, generator: str, files: dict[str, str], **extra: Any) -> Path:
    """A site at `root` whose feedwright.yaml names `generator`; `files` are relative to its posts folder."""
    posts = root / POSTS[generator]
    for rel, text in files.items():
        path = posts / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    data: dict[str, Any] = {
        "site": {"title": "T", "base_url": "https://example.org/"},
        "posts": POSTS[generator],
        "generator": {"name": generator, **extra},
    }
    (root / "feedwright.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root


def show(root: Path, generator: str, rel: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """The post's content HTML and the problem lines `show` printed."""
    capsys.readouterr()
    path = root / POSTS[generator] / rel
    assert main(["show", str(path), "-c", str(root / "feedwright.yaml"), "--json"]) == 0
    out = capsys.readouterr()
    entries: list[dict[str, Any]] = json.loads(out.out)
    return str(entries[0]["content_html"]), out.err
