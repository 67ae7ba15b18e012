"""Helpers shared by the read stage's tests: write a post, read it, look at what came back."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feedwright.config import Config
from feedwright.model import Post
from feedwright.read import ReadResult, read_post

from .conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")


BASE = "https://linux.cn/"


CORPUS_STYLE = """---
author: Magesh Maruthamuthu
categories: 技术
comments_data:
- date: '2019-07-02 10:00:00'
  ip: 123.45.67.89
  message: 好文
count:
  commentnum: 1
  viewnum: 21920
date: '2019-07-01 17:04:22'
excerpt: 如果你已经在你的组织中实施了某种密码策略，你无需看这篇文章了。
id: 11043
largepic: /data/attachment/album/201907/01/170410j3tp77ymda3i9wz7.jpg
permalink: /article-11043-1.html
summary: '如果你已经在你的组织中实施了某种密码策略，\\r\\n你无需看这篇文章了。  '
tags:
- 账号
- Linux
title: ' 在 Linux 中锁定和解锁用户帐户的三种方法\\r\\n'
updated: '2019-07-03 08:00:00'
translator: heguangzhi
---
正文第一段。
"""


def read(folder: Path, config: Config, text: str | bytes, name: str = "post.md") -> ReadResult:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return read_post(path, config, NOW, display=name)


def post_of(folder: Path, config: Config, text: str | bytes, name: str = "post.md") -> Post:
    result = read(folder, config, text, name)
    assert result.post is not None, [p.format() for p in result.problems]
    return result.post


def front(**fields: Any) -> str:
    """A post whose front matter holds `fields` (values written as YAML flow text)."""
    fields.setdefault("title", "A title")
    fields.setdefault("date", "2024-01-05 10:00:00")
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not ...]
    return "---\n" + "\n".join(lines) + "\n---\nBody text.\n"


def messages(result: ReadResult, severity: str | None = None) -> list[str]:
    return [p.message for p in result.problems if severity is None or p.severity == severity]
