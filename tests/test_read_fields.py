"""read/fields.py: front matter → a Post's fields, every one normalised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedwright.config import Config
from feedwright.model import Author

from .conftest import NOW
from .read_helpers import BASE, CORPUS_STYLE, front, messages, post_of, read

# --- which keys reach extra -----------------------------------------------------------------------


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


# --- drafts, future, configured keys ---------------------------------------------------------------


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


def test_configured_front_matter_keys(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, front_matter={"title": ["headline", "title"], "tags": ["labels"]})
    post = post_of(folder, config, front(headline="Headline wins", labels="[x]", tags="[ignored]"))
    assert post.title == "Headline wins"
    assert post.tags == ("x",)


# --- an impossible date -----------------------------------------------------------------------------


def test_an_impossible_date_is_reported_as_such(folder: Path, config: Config) -> None:
    result = read(folder, config, front(date="2023-02-29"))
    assert result.post is None
    assert any("'date': '2023-02-29' is not a valid date" in m for m in messages(result, "error"))


# --- how many tags ---------------------------------------------------------------------------------


def test_tags_past_the_limit_are_dropped_with_one_warning(make_config: Callable[..., Config], folder: Path) -> None:
    config = make_config(folder, limits={"tags_per_post": 5})
    many = "[" + ", ".join(f"tag{n}" for n in range(1000)) + "]"
    result = read(folder, config, front(tags=many, categories="[a, b, c, d, e, f]"))
    assert result.post is not None
    assert result.post.tags == ("tag0", "tag1", "tag2", "tag3", "tag4")
    assert result.post.categories == ("a", "b", "c", "d", "e")
    warnings = messages(result, "warning")
    assert len(warnings) == 2 and "1000 tags, more than limits.tags_per_post (5)" in warnings[0]


def test_a_thousand_tags_cost_a_hundred_feeds(make_config: Callable[..., Config], folder: Path, tmp_path: Path) -> None:
    from feedwright.engine.build import BuildOptions, run_build

    many = "[" + ", ".join(f"tag{n}" for n in range(1000)) + "]"
    (folder / "post.md").write_text(front(tags=many), encoding="utf-8")
    config = make_config(folder)
    report = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert len(list((config.output_dir() / "tags").iterdir())) == config.limits.tags_per_post == 100
    assert [p.severity for p in report.problems] == ["warning"]
