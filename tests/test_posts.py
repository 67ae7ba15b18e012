"""posts.py: Markdown files with front matter → Post records, every field normalised."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from feedwright.config import Config
from feedwright.model import Author, Post
from feedwright.read import ReadResult, find_post_files, frontmatter, read_post

from .conftest import NOW, write_post

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


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    return posts


@pytest.fixture
def config(make_config: Callable[..., Config], folder: Path) -> Config:
    return make_config(folder)


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


# --- a whole post ---------------------------------------------------------------------------------


def test_corpus_style_post_is_normalised(folder: Path, config: Config) -> None:
    result = read(folder, config, CORPUS_STYLE, "2019/07/11043.md")
    post = result.post
    assert post is not None
    assert result.problems == ()
    assert post.title == "在 Linux 中锁定和解锁用户帐户的三种方法"
    assert post.published == datetime(2019, 7, 1, 17, 4, 22, tzinfo=SHANGHAI)
    assert post.published.utcoffset() == timedelta(hours=8)
    assert post.updated == datetime(2019, 7, 3, 8, 0, tzinfo=SHANGHAI)
    assert post.tags == ("账号", "Linux")
    assert post.categories == ("技术",)
    assert post.authors == (Author("Magesh Maruthamuthu"),)
    assert post.permalink == "https://linux.cn/article-11043-1.html"
    assert post.id == post.permalink  # `id: 11043` is not a URI
    assert post.image == "https://linux.cn/data/attachment/album/201907/01/170410j3tp77ymda3i9wz7.jpg"
    assert post.summary == "如果你已经在你的组织中实施了某种密码策略， 你无需看这篇文章了。"
    assert post.body == "正文第一段。\n"
    assert post.body_line == CORPUS_STYLE.splitlines().index("正文第一段。") + 1
    assert post.slug == "11043"
    assert post.rel_path == "2019/07/11043.md"
    assert post.extra["translator"] == "heguangzhi"


def test_private_keys_never_reach_extra(folder: Path, config: Config) -> None:
    post = post_of(folder, config, CORPUS_STYLE)
    assert "comments_data" not in post.extra
    assert "count" not in post.extra
    assert "123.45.67.89" not in repr(post)
    assert "21920" not in repr(post)


def test_private_keys_come_from_the_config(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, front_matter={"private": ["secret"]})
    post = post_of(folder, config, front(secret="'s3cr3t'", other="1"))
    assert "secret" not in post.extra
    assert "s3cr3t" not in repr(post)
    assert post.extra["other"] == 1


# --- titles and summaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("' Hello\\r\\nWorld  '", "Hello World"),
        ("'Hello\\nWorld'", "Hello World"),
        ('"Tab\\tand  spaces"', "Tab and spaces"),
        ("2024", "2024"),
        ("3.10", "3.10"),  # not 3.1
        ("yes", "yes"),  # YAML 1.1 would make it True
        ("No", "No"),
        ("10:00", "10:00"),  # YAML 1.1 would make it 600
        ("2024-01-05", "2024-01-05"),  # a daily digest titled by its date
        ("'C++ 与 C# 的对比'", "C++ 与 C# 的对比"),
    ],
)
def test_title_forms(folder: Path, config: Config, raw: str, expected: str) -> None:
    assert post_of(folder, config, front(title=raw)).title == expected


def test_summary_falls_back_through_the_configured_keys(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(excerpt="'An excerpt\\r\\n\\r\\n  with breaks'"))
    assert post.summary == "An excerpt with breaks"
    post = post_of(folder, config, front(description="'From description'"))
    assert post.summary == "From description"


def test_summary_drops_lines_of_mere_punctuation(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(summary="'First\\r\\n---\\r\\nSecond'"))
    assert post.summary == "First Second"


# --- tags and categories --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[linux, python]", ("linux", "python")),
        ("'linux, python ,ruby'", ("linux", "python", "ruby")),  # a comma-separated string
        ("linux", ("linux",)),
        ("2024", ("2024",)),  # a number
        ("null", ()),
        ("", ()),
        ("[]", ()),
        ("[linux, Linux, LINUX]", ("linux",)),  # one tag, first spelling kept
        ("['a, b']", ("a, b",)),  # a list item stays whole
        ("[3.10, 007, 1_000]", ("3.10", "007", "1_000")),  # as written
        ("[yes, no, on, off, 10:00]", ("yes", "no", "on", "off", "10:00")),
        ("[' spaced ', '\\r\\n', '']", ("spaced",)),
        ("[2024-01-05]", ("2024-01-05",)),
        ("!!set {b, a}", ("a", "b")),
    ],
)
def test_tag_forms(folder: Path, config: Config, raw: str, expected: tuple[str, ...]) -> None:
    result = read(folder, config, front(tags=raw))
    assert result.post is not None
    assert result.post.tags == expected
    assert messages(result, "error") == []


def test_nested_tag_lists_are_flattened_with_a_warning(folder: Path, config: Config) -> None:
    result = read(folder, config, front(tags="[[a, b], [c, [d]], e]"))
    assert result.post is not None
    assert result.post.tags == ("a", "b", "c", "d", "e")
    assert any("nested lists" in m for m in messages(result, "warning"))


def test_tags_as_a_mapping_are_dropped_with_a_warning(folder: Path, config: Config) -> None:
    result = read(folder, config, front(tags="{a: 1}"))
    assert result.post is not None
    assert result.post.tags == ()
    assert any("'tags' is a mapping" in m for m in messages(result, "warning"))


def test_keywords_are_tags_too(folder: Path, config: Config) -> None:
    assert post_of(folder, config, front(keywords="[k1, k2]")).tags == ("k1", "k2")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"categories": "技术"}, ("技术",)),
        ({"categories": "[技术, 新闻]"}, ("技术", "新闻")),
        ({"category": "硬核观察"}, ("硬核观察",)),
        ({"categories": "[a]", "category": "b"}, ("a",)),  # the first key present wins
        ({}, ()),
    ],
)
def test_categories_and_category(folder: Path, config: Config, fields: dict[str, str], expected: tuple[str]) -> None:
    assert post_of(folder, config, front(**fields)).categories == expected


# --- authors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Alice", (Author("Alice"),)),
        ("[Alice, Bob]", (Author("Alice"), Author("Bob"))),
        (
            "{name: Alice, email: a@example.org, uri: 'https://a.example/'}",
            (Author("Alice", "a@example.org", "https://a.example/"),),
        ),
        (
            "[{name: Alice, url: 'https://a.example/'}, Bob]",
            (Author("Alice", None, "https://a.example/"), Author("Bob")),
        ),
        ("[Alice, null, 5, {email: x@y}]", (Author("Alice"), Author("5"))),
    ],
)
def test_author_forms(folder: Path, config: Config, raw: str, expected: tuple[Author, ...]) -> None:
    assert post_of(folder, config, front(author=raw)).authors == expected


def test_authors_key_before_author(folder: Path, config: Config) -> None:
    assert post_of(folder, config, front(authors="[A]", author="B")).authors == (Author("A"),)


def test_no_author_takes_the_sites(folder: Path, config: Config) -> None:
    assert post_of(folder, config, front()).authors == (Author("Linux 中国"),)


# --- dates ----------------------------------------------------------------------------------------


def test_updated_never_earlier_than_published(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(updated="2020-01-01"))
    assert post.updated == post.published


def test_updated_from_lastmod(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(lastmod="2024-02-01T00:00:00Z"))
    assert post.updated == datetime(2024, 2, 1, tzinfo=UTC)


def test_bad_updated_is_a_warning_only(folder: Path, config: Config) -> None:
    result = read(folder, config, front(updated="soon"))
    assert result.post is not None
    assert result.post.updated == result.post.published
    assert any("'updated'" in m for m in messages(result, "warning"))


def test_date_keys_published_and_pubdate(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(date=..., pubDate="'Tue, 17 Jan 2023 19:01:21 +0800'"))
    assert post.published == datetime(2023, 1, 17, 19, 1, 21, tzinfo=timezone(timedelta(hours=8)))


# --- permalink, id, slug --------------------------------------------------------------------------


def test_permalink_from_front_matter_is_made_absolute(folder: Path, config: Config) -> None:
    assert post_of(folder, config, front(permalink="/article-1.html")).permalink == BASE + "article-1.html"
    assert post_of(folder, config, front(url="'https://other.example/p/'")).permalink == "https://other.example/p/"


def test_permalink_pattern_uses_the_site_time_zone(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, site={"permalink": "/{year}/{month}/{day}/{slug}/"})
    # 20:00 UTC on 31 December is already 1 January in Shanghai.
    post = post_of(folder, config, front(date="2023-12-31T20:00:00Z"), name="Hello World.md")
    assert post.permalink == BASE + "2024/01/01/hello-world/"
    assert post.id == post.permalink


def test_permalink_under_a_base_path(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, site={"base_url": "https://example.org/blog/"})
    post = post_of(folder, config, front(permalink="/p/1/", largepic="/img/a.png"), name="a.md")
    assert post.permalink == "https://example.org/blog/p/1/"
    assert post.image == "https://example.org/blog/img/a.png"
    assert post_of(folder, config, front(), name="b.md").permalink == "https://example.org/blog/b/"


@pytest.mark.parametrize("bad", ["'javascript:alert(1)'", "'data:text/html,<b>x</b>'", "'mailto:a@b.c'"])
def test_non_web_permalink_falls_back_to_the_pattern(folder: Path, config: Config, bad: str) -> None:
    result = read(folder, config, front(permalink=bad), name="x.md")
    assert result.post is not None
    assert result.post.permalink == BASE + "x/"
    assert any("'permalink' is not an http(s) URL" in m for m in messages(result, "warning"))


def test_id_uri_from_front_matter(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(id="'urn:uuid:0b7e6c3a-1d1f-4d6c-8f5e-3b1f2a9c7d10'"))
    assert post.id == "urn:uuid:0b7e6c3a-1d1f-4d6c-8f5e-3b1f2a9c7d10"
    assert post.permalink != post.id


@pytest.mark.parametrize(
    ("name", "fields", "slug"),
    [
        ("My First Post.md", {}, "my-first-post"),
        ("2024/hello/index.md", {}, "hello"),
        ("x.md", {"slug": "'Custom Slug'"}, "custom-slug"),
        ("x.md", {"slug": "42"}, "42"),
        ("x.md", {"slug": "''"}, "x"),
        ("x.md", {"slug": "'../../etc'"}, "etc"),
    ],
)
def test_slug(folder: Path, config: Config, name: str, fields: dict[str, str], slug: str) -> None:
    assert post_of(folder, config, front(**fields), name=name).slug == slug


def test_moving_a_file_keeps_its_id(folder: Path, config: Config) -> None:
    text = front(permalink="/article-7.html")
    first = post_of(folder, config, text, name="2024/01/7.md")
    second = post_of(folder, config, text + "Edited body.\n", name="elsewhere/7.md")
    assert first.id == second.id


# --- images ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"largepic": "/data/a.jpg"}, BASE + "data/a.jpg"),
        ({"image": "img/b.png"}, BASE + "img/b.png"),
        ({"cover": "'https://cdn.example/c.webp'"}, "https://cdn.example/c.webp"),
        ({"cover": "{image: /covers/d.jpg, alt: D}"}, BASE + "covers/d.jpg"),
        ({"cover": "{src: /covers/e.jpg}"}, BASE + "covers/e.jpg"),
        ({"featured_image": "/f.gif"}, BASE + "f.gif"),
        ({"largepic": "/first.jpg", "image": "/second.jpg"}, BASE + "first.jpg"),
        ({"image": "'//cdn.example/g.jpg'"}, "https://cdn.example/g.jpg"),
        ({"image": "/图片/h.jpg"}, BASE + "%E5%9B%BE%E7%89%87/h.jpg"),
        ({"image": "''"}, None),
        ({"image": "[a, b]"}, None),
        ({}, None),
    ],
)
def test_image(folder: Path, config: Config, fields: dict[str, str], expected: str | None) -> None:
    assert post_of(folder, config, front(**fields)).image == expected


def test_javascript_image_is_dropped_with_a_warning(folder: Path, config: Config) -> None:
    result = read(folder, config, front(image="'javascript:alert(1)'"))
    assert result.post is not None
    assert result.post.image is None
    assert any("'image'" in m for m in messages(result, "warning"))


# --- drafts, future, encodings, other front matter -------------------------------------------------


@pytest.mark.parametrize("draft", ["true", "yes", "'yes'", "'true'", "1"])
def test_draft_is_skipped(folder: Path, config: Config, draft: str) -> None:
    result = read(folder, config, front(draft=draft))
    assert result.post is None
    assert result.skipped == "draft"
    assert messages(result, "error") == []


@pytest.mark.parametrize("draft", ["false", "no", "'no'", "0", "null"])
def test_not_a_draft(folder: Path, config: Config, draft: str) -> None:
    assert read(folder, config, front(draft=draft)).post is not None


def test_drafts_included_on_request(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, include_drafts=True)
    assert read(folder, config, front(draft="true")).post is not None


def test_future_post_is_skipped(folder: Path, config: Config, make_config: Callable[..., Config]) -> None:
    tomorrow = (NOW + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    result = read(folder, config, front(date=f"'{tomorrow}'"))
    assert result.post is None
    assert result.skipped == "future"
    assert read(folder, make_config(folder, include_future=True), front(date=f"'{tomorrow}'")).post is not None


def test_byte_order_mark(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "\ufeff" + front(title="带 BOM 的文章"))
    assert post.title == "带 BOM 的文章"


def test_windows_line_ends(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(title="CRLF").replace("\n", "\r\n"))
    assert post.title == "CRLF"
    assert post.body.strip() == "Body text."


def test_toml_front_matter(folder: Path, config: Config) -> None:
    text = '+++\ntitle = "TOML post"\ndate = 2024-01-05T10:00:00+02:00\ntags = ["a", "b"]\ndraft = false\n+++\nBody\n'
    post = post_of(folder, config, text)
    assert post.title == "TOML post"
    assert post.published == datetime(2024, 1, 5, 8, tzinfo=UTC)
    assert post.tags == ("a", "b")


def test_toml_local_date(folder: Path, config: Config) -> None:
    post = post_of(folder, config, '+++\ntitle = "T"\ndate = 2024-01-05\n+++\nBody\n')
    assert post.published == datetime(2024, 1, 5, tzinfo=SHANGHAI)


def test_yaml_document_end_marker_closes_front_matter(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "---\ntitle: Dots\ndate: 2024-01-05\n...\nBody\n")
    assert post.title == "Dots"
    assert post.body == "Body\n"


def test_configured_front_matter_keys(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, front_matter={"title": ["headline", "title"], "tags": ["labels"]})
    post = post_of(folder, config, front(headline="Headline wins", labels="[x]", tags="[ignored]"))
    assert post.title == "Headline wins"
    assert post.tags == ("x",)


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


# --- values that only appear after parsing ----------------------------------------------------------


def test_control_characters_written_as_escapes_are_removed(folder: Path, config: Config) -> None:
    # The raw text is clean; YAML's "\x01" and TOML's "\u0001" make the characters only when parsed.
    text = front(
        title='"Ti\\x01tle"',
        id='"urn:a\\x01b"',
        author='{name: "Bo\\x02b", email: "b\\x0b@example.org"}',
        tags='["t\\x00ag"]',
        custom='{"k\\x1f": "v\\x1f"}',
    )
    result = read(folder, config, text)
    post = result.post
    assert post is not None
    assert post.title == "Title"
    assert post.id == "urn:ab"
    assert post.authors == (Author("Bob", "b@example.org"),)
    assert post.tags == ("tag",)
    assert post.extra["custom"] == {"k": "v"}
    assert any("written as escapes" in m for m in messages(result, "warning"))


def test_toml_escapes_are_removed_too(folder: Path, config: Config) -> None:
    post = post_of(folder, config, '+++\ntitle = "A\\u0001B"\ndate = 2024-01-05\n+++\nBody\n')
    assert post.title == "AB"


def test_an_impossible_date_elsewhere_does_not_reject_the_post(folder: Path, config: Config) -> None:
    # PyYAML raises a bare ValueError for it; only the date field needs to be a real date.
    post = post_of(folder, config, front(reviewed="2023-02-30"))
    assert post.extra["reviewed"] == "2023-02-30"


def test_an_impossible_date_is_reported_as_such(folder: Path, config: Config) -> None:
    result = read(folder, config, front(date="2023-02-29"))
    assert result.post is None
    assert any("'date': '2023-02-29' is not a valid date" in m for m in messages(result, "error"))


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: t\ndate: 2024-01-05\nd: " + "[" * 40 + "]" * 40 + "\n---\nBody\n",
        "---\ntitle: t\ndate: 2024-01-05\nd: " + "[" * 5000 + "]" * 5000 + "\n---\nBody\n",
        '+++\ntitle = "t"\ndate = 2024-01-05\nd = ' + "[" * 40 + "]" * 40 + "\n+++\nBody\n",
        '+++\ntitle = "t"\ndate = 2024-01-05\nd = ' + "[" * 5000 + "]" * 5000 + "\n+++\nBody\n",
    ],
)
def test_deep_nesting_is_rejected_not_a_crash(folder: Path, config: Config, text: str) -> None:
    result = read(folder, config, text)
    assert result.post is None
    [error] = messages(result, "error")
    assert re.search(r"too deeply|levels deep|nesting depth", error), error


def test_invalid_toml_names_the_file_line(folder: Path, config: Config) -> None:
    result = read(folder, config, '+++\ntitle = "t"\n\ndate = 2023-02-29\n+++\nBody\n')
    [problem] = result.problems
    assert problem.severity == "error"
    assert problem.line == 4
    assert "not valid TOML" in problem.message


# --- a file that grows while it is read -----------------------------------------------------------


@pytest.mark.parametrize(("size", "rejected"), [(900, False), (1000, False), (5000, True)])
def test_a_file_that_grew_after_stat_is_read_up_to_the_limit(
    make_config: Callable[..., Config], folder: Path, monkeypatch: pytest.MonkeyPatch, size: int, rejected: bool
) -> None:
    config = make_config(folder, limits={"max_post_bytes": 1000})
    head = front()
    pad = "x" * (size - len(head.encode()))
    path = folder / "post.md"
    path.write_text(head + pad, encoding="utf-8")
    real_stat = Path.stat

    def stale_stat(self: Path, **kwargs: Any) -> os.stat_result:
        """What stat() said just before the file grew to its present size."""
        st = list(real_stat(self, **kwargs))
        if self == path:
            st[6] = 100  # st_size
        return os.stat_result(st)

    monkeypatch.setattr(Path, "stat", stale_stat)
    result = read_post(path, config, NOW, display="post.md")
    if rejected:
        assert result.post is None
        [error] = messages(result, "error")
        assert error.startswith("file is 1,001+ bytes, over the limit of 1,000")
    else:
        assert result.post is not None
        assert result.post.body == "Body text.\n" + pad


# --- the YAML size cap ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "[" + "a," * 20_001 + "]",  # no alias, just many values
        "{" + "?," * 10_001 + "}",  # an empty key and an empty value per '?,'
        "\n" + "  - \n" * 20_001,
    ],
)
def test_front_matter_with_too_many_values_is_refused_without_aliases(folder: Path, config: Config, value: str) -> None:
    result = read(folder, config, front(d=value))
    assert result.post is None
    [error] = messages(result, "error")
    assert "front matter is too large" in error


def test_a_small_alias_bomb_is_refused(folder: Path, config: Config) -> None:
    levels = "".join(f"l{i + 1}: &l{i + 1} [{', '.join([f'*l{i}'] * 10)}]\n" for i in range(5))
    result = read(folder, config, f"---\ntitle: t\ndate: 2024-01-05\nl0: &l0 x\n{levels}---\nBody\n")
    assert result.post is None
    assert "nests aliases" in messages(result, "error")[0]


def test_anchors_and_aliases_within_the_cap_are_read(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "---\ntitle: &t Shared\ndate: 2024-01-05\nsummary: *t\ntags: [a*b, '*']\n---\nB\n")
    assert (post.title, post.summary, post.tags) == ("Shared", "Shared", ("a*b", "*"))


YAML_BITS = st.sampled_from(
    ["?", ":", "-", ",", "[", "]", "{", "}", " ", "\n", "a", "? ", ": ", "- ", "?,", "?\n", "-\n", "''", "!!str ",
     "&a ", "|", ">", "#", "\t", "..."]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(bits=st.lists(YAML_BITS, min_size=1, max_size=60))
def test_yaml_without_aliases_holds_at_most_three_nodes_per_character(bits: list[str]) -> None:
    """Why _load_yaml counts nodes only for long front matter or one with '*': short text cannot pass the cap."""
    text = "".join(bits)
    loader = frontmatter._FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    if node is not None:
        assert frontmatter._node_count(node) <= 3 * len(text)
    if not frontmatter._may_be_too_large(text):
        assert 3 * len(text) <= frontmatter._MAX_YAML_NODES


def test_the_digest_is_of_the_bytes_parsed(folder: Path, config: Config) -> None:
    """The cache keys a post by its hash: it must be the hash of what was parsed, taken from that read."""
    text = front(title="Hashed") + "中文 body\n"
    result = read(folder, config, text)
    assert result.post is not None
    assert result.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    rejected = read(folder, config, "---\ntitle: [unclosed\n---\nbody\n", name="bad.md")
    assert rejected.post is None
    assert rejected.digest == hashlib.sha256(b"---\ntitle: [unclosed\n---\nbody\n").hexdigest()


def test_a_file_over_the_limit_has_no_digest(make_config: Callable[..., Config], folder: Path) -> None:
    """Its bytes were not all read; the caller hashes the file itself when it needs to."""
    config = make_config(folder, limits={"max_post_bytes": 100})
    result = read(folder, config, front() + "x" * 200)
    assert result.post is None
    assert result.digest == ""
