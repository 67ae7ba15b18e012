"""A news item's id survives the edits editors make to a published digest (itemid.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedwright.config import Config
from feedwright.engine.build import BuildOptions, run_build
from feedwright.markup import MarkdownRenderer
from feedwright.pipeline import post_entries
from feedwright.read import read_post
from feedwright.split.itemid import (
    MAX_ID_CHARS,
    ItemKeys,
    explicit_anchors,
    fragments,
    image_name,
    item_id,
    letters,
    normal_url,
)

from . import digest_edits as edits
from .conftest import CORPUS, NOW, needs_corpus, write_post

# ---------------------------------------------------------------- the keys


def keys(**fields: object) -> ItemKeys:
    base: dict[str, object] = {"anchor": "", "source": "", "image": "", "followup": False, "heading": "", "text": ""}
    return ItemKeys(**{**base, **fields})  # type: ignore[arg-type]


def test_a_source_link_is_known_by_every_spelling_of_it() -> None:
    plain = normal_url("https://example.com/news/1")
    for spelling in (
        "http://www.example.com/news/1/",
        "https://EXAMPLE.com/news/1#comments",
        "https://example.com/news/1?utm_source=linux.cn&utm_medium=rss",
    ):
        assert normal_url(spelling) == plain
    assert normal_url("https://example.com/news/2") != plain
    assert normal_url("https://example.com/news?id=1") != normal_url("https://example.com/news?id=2")


def test_an_image_is_known_by_its_file_name_whatever_serves_it() -> None:
    name = image_name("https://linux.cn/data/attachment/album/202401/31/abc.png")
    assert name == image_name("https://img.linux.net.cn/data/attachment/album/202401/31/abc.png?w=600")
    assert name == image_name("/data/attachment/album/202401/31/abc.png.thumb.jpg")


def test_letters_ignore_case_width_punctuation_and_spacing() -> None:
    assert letters("德国铁路公司招聘 Windows 3.11 管理员！") == letters("德国铁路公司招聘Ｗｉｎｄｏｗｓ 3.11 管理员")
    assert letters("a") != letters("b")


def test_each_item_takes_its_first_key_that_no_other_item_has() -> None:
    items = [
        keys(source="a.com/1", image="1.png", heading="一"),
        keys(source="a.com/1", image="2.png", heading="二"),
        keys(image="3.png", heading="三"),
        keys(heading="四"),
    ]
    found, clashes = fragments(items)
    assert clashes == []
    assert len(set(found)) == 4
    # The two that share a source are told apart by their pictures, in whatever order they stand.
    assert fragments(list(reversed(items)))[0] == list(reversed(found))
    alone = fragments([keys(image="1.png", heading="x")])[0]
    assert found[0] == alone[0]


def test_an_explicit_anchor_wins_and_shows_in_the_id() -> None:
    found, _ = fragments([keys(anchor="rust-in-linux", source="a.com/1"), keys(source="a.com/2")])
    assert found[0] == "rust-in-linux"
    assert found[1].startswith("item-")


def test_items_alike_in_everything_get_a_suffix_and_a_clash() -> None:
    same = keys(heading="回音", text="同样的文字")
    found, clashes = fragments([same, same, same])
    assert found[1] == f"{found[0]}-2" and found[2] == f"{found[0]}-3"
    assert [(c.index, c.first) for c in clashes] == [(2, 1), (3, 1)]
    anchors, clashes = fragments([keys(anchor="x"), keys(anchor="x")])
    assert anchors == ["x", "x-2"] and len(clashes) == 1


@given(
    st.lists(
        st.builds(
            ItemKeys,
            anchor=st.sampled_from(["", "", "a", "b", "中文锚点", "x" * 100]),
            source=st.sampled_from(["", "a.com/1", "a.com/2"]),
            image=st.sampled_from(["", "1.png", "2.png"]),
            followup=st.booleans(),
            heading=st.sampled_from(["", "一", "二"]),
            text=st.text(max_size=5),
        ),
        max_size=12,
    ),
    st.text(min_size=1, max_size=400),
)
def test_ids_are_unique_and_short_for_any_items(items: list[ItemKeys], post_id: str) -> None:
    found, _ = fragments(items)
    ids = [item_id(post_id, fragment) for fragment in found]
    assert len(set(ids)) == len(items)
    assert all(len(i) <= MAX_ID_CHARS for i in ids)
    assert fragments(items)[0] == found


def test_anchors_written_in_the_source_are_told_from_made_ones() -> None:
    body = '### 标题一 {#first}\n\n### Title two {: .news #second }\n\n<h3 id="third">x</h3>\n\n### 标题四\n'
    assert explicit_anchors(body) == {"first", "second", "third"}


# ---------------------------------------------------------------- real digests, edited


def _digests() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "硬核观察" in text.split("\n---\n", 1)[0] and text.count("\n### ") >= 2:
            found.append(path)
    return found


DIGESTS = _digests()
_IDS = [p.relative_to(CORPUS).as_posix() for p in DIGESTS]


@pytest.fixture
def entries_of(make_config: Callable[..., Config], tmp_path: Path) -> Callable[[str], list[tuple[str, str]]]:
    """(id, title) of each entry that a digest's text becomes, read as a build reads it."""
    config = make_config(tmp_path / "posts")
    renderer = MarkdownRenderer()

    def entries(text: str) -> list[tuple[str, str]]:
        path = write_post(tmp_path / "posts", "digest.md", text)
        result = read_post(path, config, NOW)
        assert result.post is not None, result.problems
        return [(e.id, e.title) for e in post_entries(result.post, config, renderer).items]

    return entries


def _ids(found: list[tuple[str, str]]) -> list[str]:
    return [i for i, _ in found]


def _check(found: list[tuple[str, str]]) -> None:
    ids = _ids(found)
    assert len(set(ids)) == len(ids), "two items share an id"
    assert all(len(i) <= MAX_ID_CHARS for i in ids), max(ids, key=len)


def _variants(digest: edits.Digest) -> Iterator[tuple[str, edits.Digest]]:
    items = digest.items
    yield "retitled", edits.Digest(digest.head, [i if edits.is_followup(i) else edits.retitle(i) for i in items])
    for style in ("hash", "dot", "circled", "none"):
        renumbered = [i if edits.is_followup(i) else edits.renumber(i, n, style) for n, i in enumerate(items, 1)]
        yield f"numbered {style}", edits.Digest(digest.head, renumbered)
    yield "reworded", edits.Digest(digest.head, [edits.reword(i) for i in items])
    news = [i for i in items if not edits.is_followup(i)]
    rest = [i for i in items if edits.is_followup(i)]
    yield "reordered", edits.Digest(digest.head, [*reversed(news), *rest])


@pytest.mark.parametrize("path", DIGESTS, ids=_IDS)
def test_item_ids_survive_every_edit_of_a_real_digest(path: Path, entries_of: Callable[[str], list]) -> None:
    needs_corpus()
    text = path.read_text(encoding="utf-8")
    before = entries_of(text)
    digest = edits.cut(text)
    if len(before) != len(digest.items):
        pytest.skip(f"{path.name}: kept whole or items not at ### headings")
    _check(before)
    old = _ids(before)
    for name, edited in _variants(digest):
        after = entries_of(edited.text())
        _check(after)
        assert sorted(_ids(after)) == sorted(old), f"{name}: an item changed id"
    # A late item on top and renumbering the rest; and one added at the bottom.
    for at in (0, len(digest.items)):
        items = list(digest.items)
        items.insert(at, edits.new_item(digest, "#0 " if at == 0 else ""))
        if at == 0:
            items = [i if edits.is_followup(i) else edits.renumber(i, n, "hash") for n, i in enumerate(items, 1)]
        after = _ids(entries_of(edits.Digest(digest.head, items).text()))
        _check(entries_of(edits.Digest(digest.head, items).text()))
        added = [i for i in after if i not in old]
        assert len(added) == 1 and len(after) == len(old) + 1, f"insert at {at}: {added}"
        assert [i for i in after if i in old] == old
    # Any one item deleted: the others keep theirs.
    for gone in range(len(digest.items)):
        items = [item for n, item in enumerate(digest.items) if n != gone]
        after = _ids(entries_of(edits.Digest(digest.head, items).text()))
        if len(after) != len(items):
            continue  # too little left to be split
        assert after == [i for n, i in enumerate(old) if n != gone], f"item {gone + 1} deleted"


def test_the_corpus_has_digests_of_every_year() -> None:
    needs_corpus()
    assert {p.relative_to(CORPUS).parts[1] for p in DIGESTS} >= {"2021", "2022", "2023", "2024"}


FOLLOWUP_DIGEST = """---
title: 硬核观察 #9 三条新闻
date: 2024-01-05 20:00:00
categories: 硬核观察
---

### #1 第一条新闻的标题

第一条新闻的正文，说了一件事。

> **[消息来源：甲](https://a.example.com/1)**

### #2 第二条新闻的标题

第二条新闻的正文，说了另一件事。

> **[消息来源：乙](https://b.example.com/2)**

### 回音

- 之前报道的某事有了后续。
"""


def test_a_followup_section_keeps_its_id_when_renamed_or_its_news_changes(
    entries_of: Callable[[str], list],
) -> None:
    before = _ids(entries_of(FOLLOWUP_DIGEST))
    renamed = FOLLOWUP_DIGEST.replace("### 回音", "### 一句话回音").replace("有了后续", "又有了新的后续")
    assert _ids(entries_of(renamed)) == before


def test_an_anchor_written_in_the_heading_wins(entries_of: Callable[[str], list]) -> None:
    text = FOLLOWUP_DIGEST.replace("### #1 第一条新闻的标题", "### #1 第一条新闻的标题 {#first-news}")
    found = entries_of(text)
    assert found[0][0].endswith("#first-news")
    # Its source changed, its heading reworded: the anchor still names it.
    edited = text.replace("https://a.example.com/1", "https://a.example.com/other").replace("标题 {#", "新标题 {#")
    assert _ids(entries_of(edited))[0] == found[0][0]


def test_items_alike_are_told_apart_with_a_warning(make_config: Callable[..., Config], tmp_path: Path) -> None:
    same = "### 同一个标题\n\n同一段文字。\n\n"
    text = FOLLOWUP_DIGEST.split("### #1", 1)[0] + same * 3
    path = write_post(tmp_path / "posts", "digest.md", text)
    config = make_config(tmp_path / "posts")
    result = read_post(path, config, NOW)
    assert result.post is not None
    done = post_entries(result.post, config, MarkdownRenderer())
    ids = [e.id for e in done.items]
    assert len(set(ids)) == 3 and ids[1] == f"{ids[0]}-2"
    warnings = [p for p in done.problems if "same anchor, source, image, heading and text" in p.message]
    assert [p.severity for p in warnings] == ["warning", "warning"]


def test_a_long_heading_in_any_script_gives_a_short_id(entries_of: Callable[[str], list]) -> None:
    long_heading = "### #1 " + "德国铁路公司招聘 Windows 3.11 管理员，" * 12
    text = FOLLOWUP_DIGEST.replace("### #1 第一条新闻的标题", long_heading).replace(
        "> **[消息来源：甲](https://a.example.com/1)**", ""
    )
    found = entries_of(text)
    assert all(len(i) <= MAX_ID_CHARS for i in _ids(found))
    assert all(len(i) < 80 for i in _ids(found))


# ---------------------------------------------------------------- through the CLI and the build


def _show(path: Path, config: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "feedwright", "show", str(path), "-c", str(config), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_show_json_gives_the_same_ids_before_and_after_a_heading_fix(tmp_path: Path) -> None:
    needs_corpus()
    config = tmp_path / "config.yaml"
    config.write_text(
        "site: {title: t, base_url: 'https://linux.cn/', timezone: Asia/Shanghai}\nsplit: {categories: [硬核观察]}\n",
        encoding="utf-8",
    )
    source = CORPUS / "content" / "2024" / "01" / "16601.md"
    if not source.is_file():
        source = DIGESTS[-1]
    before = _show(source, config)
    digest = edits.cut(source.read_text(encoding="utf-8"))
    digest.items[0] = edits.retitle(digest.items[0])
    moved = write_post(tmp_path / "elsewhere" / "deeper", source.name, digest.text())
    after = _show(moved, config)
    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert [e["title"] for e in after] != [e["title"] for e in before]
    # The link still lands on the heading, which the edit renamed.
    assert after[0]["link"] != before[0]["link"] and "#" in after[0]["link"]


def _feed_ids(out: Path) -> list[str]:
    return [e.id for e in feedparser.parse((out / "atom.xml").read_bytes()).entries]


def test_cold_warm_and_parallel_builds_give_the_same_ids(make_config: Callable[..., Config], tmp_path: Path) -> None:
    needs_corpus()
    config = make_config(CORPUS, limits={"site": 400})
    run_build(config, BuildOptions(now=NOW, jobs=1, no_cache=True))
    cold = _feed_ids(config.output_dir())
    run_build(config, BuildOptions(now=NOW, jobs=1))
    assert _feed_ids(config.output_dir()) == cold
    other = make_config(CORPUS, limits={"site": 400}, output=str(tmp_path / "other"))
    run_build(other, BuildOptions(now=NOW, jobs=2, no_cache=True))
    assert _feed_ids(other.output_dir()) == cold
    assert len(cold) > 200 and all(len(i) <= MAX_ID_CHARS for i in cold)
