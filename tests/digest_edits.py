"""Edits an editor makes to a published digest, applied to its Markdown as text.

A digest is cut into its head (front matter and the text before the first item) and one chunk
per `### ` item. Where the digest puts each item's picture just before its heading (2022 on),
that picture line travels with its item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

_HEADING = re.compile(r"^### (?P<marker>(?:#\s?\d+|\d+\.|[\u2776-\u277f])\s*)?(?P<title>.*?)\s*$")
_PICTURE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>)\s*$")
_FOLLOWUPS = ("回音", "一句话回音")


@dataclass
class Digest:
    head: list[str]
    items: list[list[str]]

    def text(self) -> str:
        parts = list(self.head)
        for item in self.items:
            # Each chunk ends in a blank line, so a moved chunk never runs into the next one's text.
            if parts and parts[-1].strip():
                parts.append("\n" if parts[-1].endswith("\n") else "\n\n")
            parts.extend(item)
        return "".join(parts)


def cut(text: str) -> Digest:
    lines = text.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith("### ")]
    if _pictures_before(lines, starts):
        starts = [_picture_start(lines, n) for n in starts]
    bounds = [*starts, len(lines)]
    return Digest(lines[: starts[0]], [lines[a:b] for a, b in pairwise(bounds)])


def _nearest_above(lines: list[str], n: int) -> int | None:
    m = n - 1
    while m >= 0 and not lines[m].strip():
        m -= 1
    return m if m >= 0 else None


def _pictures_before(lines: list[str], starts: list[int]) -> bool:
    later = starts[1:]
    above = [_nearest_above(lines, n) for n in later]
    return bool(later) and sum(1 for m in above if m is not None and _PICTURE.match(lines[m])) * 2 > len(later)


def _picture_start(lines: list[str], n: int) -> int:
    m = _nearest_above(lines, n)
    return m if m is not None and _PICTURE.match(lines[m]) else n


def heading_of(item: list[str]) -> re.Match[str]:
    line = next(line for line in item if line.startswith("### "))
    match = _HEADING.match(line)
    assert match is not None
    return match


def is_followup(item: list[str]) -> bool:
    return heading_of(item).group("title").strip(" ：:") in _FOLLOWUPS


def _replace_heading(item: list[str], new: str) -> list[str]:
    out = list(item)
    n = next(n for n, line in enumerate(out) if line.startswith("### "))
    out[n] = new + "\n"
    return out


def retitle(item: list[str]) -> list[str]:
    """A heading's wording fixed: one word added, one character changed."""
    match = heading_of(item)
    title = match.group("title")
    changed = title[:-1] + ("了" if title[-1:] != "了" else "的") + " 更新" if title else "更新"
    return _replace_heading(item, f"### {match.group('marker') or ''}{changed}")


def renumber(item: list[str], n: int, style: str) -> list[str]:
    """The number marker written another way (`#1`, `1.`, `❶`) or dropped."""
    title = heading_of(item).group("title")
    marker = {"hash": f"#{n} ", "dot": f"{n}. ", "circled": chr(0x2775 + n) + " ", "none": ""}[style]
    return _replace_heading(item, f"### {marker}{title}")


def reword(item: list[str]) -> list[str]:
    """The first sentence of the item's text changed."""
    out = list(item)
    for n, line in enumerate(out):
        text = line.strip()
        if text and not text.startswith(("#", ">", "!", "<", "*", "-", "|")):
            out[n] = line.rstrip("\n") + "（编者补充：此处有更正。）\n"
            return out
    out.append("\n编者补充：此处有更正。\n")
    return out


def new_item(digest: Digest, marker: str = "") -> list[str]:
    """A late news item with its own source and picture, laid out as the digest lays out its items."""
    picture = "![](/data/attachment/album/209901/01/late-news-item-picture.jpg)\n\n"
    heading = f"### {marker}一条迟到的新闻：某开源项目发布新版本\n\n"
    body = (
        "某开源项目今天发布了新版本，带来了许多改进，社区对此反应热烈，下载量创下新高。\n\n"
        "> **[消息来源：Example News](https://news.example.com/late-item)**\n\n"
        "> 老王点评：迟到总比不到好。\n\n"
    )
    before = any(_PICTURE.match(item[0]) for item in digest.items)
    return [picture, heading, body] if before else [heading, picture, body]
