"""Hexo's rules (generators/hexo.py), each from Hexo's documentation or, where it is vague, its source.

Docs: https://hexo.io/docs/configuration, /permalinks, /front-matter, /writing. Source (github:hexojs/hexo):
lib/plugins/processor/post.ts, lib/plugins/filter/post_permalink.ts, lib/models/category.ts,
lib/plugins/filter/after_post_render/excerpt.ts; hexo-util slugize.ts, permalink.ts, pretty_urls.ts.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from feedwright.cli import main
from feedwright.generators import hexo
from feedwright.generators.hexo import Rules, category_names, category_paths, hexo_slugize, parse_file_name

SITES = Path(__file__).parent / "sites"


def make_site(tmp_path: Path, config: str, posts: dict[str, str]) -> Path:
    root = tmp_path / "site"
    (root / "source" / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    for rel, text in posts.items():
        path = root / "source" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def init(root: Path, *extra: str) -> Path:
    # --generator: detection runs every generator's module, and this branch holds Hexo's alone.
    assert main(["init", str(root), "--generator", "hexo", *extra]) == 0
    return root / "feedwright.yaml"


def show(root: Path, rel: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    config = init(root) if not (root / "feedwright.yaml").exists() else root / "feedwright.yaml"
    capsys.readouterr()
    assert main(["show", str(root / "source" / rel), "-c", str(config), "--json"]) == 0
    entries: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return entries[0]


def build_links(root: Path) -> dict[str, Any]:
    config = init(root)
    assert main(["build", "-c", str(config)]) == 0
    feed = feedparser.parse(str(root / "feeds" / "articles" / "atom.xml"))
    return {e.link: e for e in feed.entries}


BASE = "title: T\nurl: https://example.org/blog\ntimezone: Asia/Shanghai\n"


def post(front: str, body: str = "Text.\n") -> str:
    return f"---\n{front}\n---\n{body}"


# --- slugs and file names ---------------------------------------------------------------


def test_slugize_keeps_case_and_cjk_and_joins_punctuation() -> None:
    """hexo-util slugize: special characters become '-', case kept unless transform asks."""
    assert hexo_slugize("Hello, World!") == "Hello-World"
    assert hexo_slugize("你好 World") == "你好-World"
    assert hexo_slugize("Crème brûlée") == "Creme-brulee"
    assert hexo_slugize("Hello World", 1) == "hello-world"
    assert hexo_slugize("Hello World", 2) == "HELLO-WORLD"


@given(st.text(max_size=40))
def test_slugize_never_leaves_separators_at_the_ends_or_doubled(text: str) -> None:
    slug = hexo_slugize(text)
    assert not slug.startswith("-") and not slug.endswith("-")
    assert "--" not in slug
    assert not set(slug) & set(" ~`!@#$%^&*()_+=[]{}|\\;:\"'<>,.?/")
    assert hexo_slugize(slug) == slug


def test_title_is_the_path_without_extension_folders_and_case_kept() -> None:
    """https://hexo.io/docs/permalinks: ':title' is the file name relative to source/_posts, folders kept."""
    assert parse_file_name(":title.md", "lorem/Hello-World.md") == {"title": "lorem/Hello-World"}


def test_new_post_name_with_a_date_gives_the_date_and_the_title() -> None:
    """post.ts parseFilename: new_post_name ':year-:month-:day-:title.md' parses the file name."""
    found = parse_file_name(":year-:month-:day-:title.md", "2015-08-30-Hello-World.markdown")
    assert found == {"year": "2015", "month": "08", "day": "30", "title": "Hello-World"}


def test_a_name_the_pattern_does_not_match_is_slugized_whole() -> None:
    """post.ts parseFilename: no match → slugize(path), so folders become '-'."""
    assert parse_file_name(":year-:month-:day-:title.md", "sub/My Post.md") == {"title": "sub-My-Post"}


@given(
    st.integers(1970, 2100),
    st.integers(1, 12),
    st.integers(1, 28),
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True),
)
def test_date_prefixed_names_round_trip(year: int, month: int, day: int, title: str) -> None:
    rel = f"{year:04d}-{month:02d}-{day:02d}-{title}.md"
    found = parse_file_name(":year-:month-:day-:title.md", rel)
    assert (found["year"], found["month"], found["day"], found["title"]) == (
        f"{year:04d}",
        f"{month:02d}",
        f"{day:02d}",
        title,
    )


# --- categories -------------------------------------------------------------------------


def test_a_list_of_categories_is_one_hierarchy() -> None:
    """https://hexo.io/docs/front-matter#Categories-amp-Tags: [Diary, Life] puts Life under Diary."""
    assert category_paths(["Diary", "Life"]) == [["Diary", "Life"]]
    assert category_names(category_paths(["Diary", "Life"])) == ["Diary", "Diary/Life"]


def test_a_list_of_lists_is_several_categories() -> None:
    """front-matter docs: [[Diary, PlayStation], [Diary, Games], [Life]]."""
    paths = category_paths([["Diary", "PlayStation"], ["Diary", "Games"], ["Life"]])
    assert category_names(paths) == ["Diary", "Diary/PlayStation", "Diary/Games", "Life"]


def test_category_hierarchy_reaches_the_feeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path, BASE, {"_posts/a.md": post("title: A\ndate: 2020-01-02\ncategories: [Diary, Life]")})
    entry = show(root, "_posts/a.md", capsys)
    assert entry["categories"] == ["Diary", "Diary/Life"]


# --- URLs -------------------------------------------------------------------------------


def test_default_permalink_keeps_case_and_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """configuration docs: permalink defaults to ':year/:month/:day/:title/'; the url's path is kept."""
    root = make_site(tmp_path, BASE, {"_posts/lorem/Hello-World.md": post("title: Hi\ndate: 2013-07-14 17:01:34")})
    assert show(root, "_posts/lorem/Hello-World.md", capsys)["link"] == (
        "https://example.org/blog/2013/07/14/lorem/Hello-World/"
    )


def test_permalink_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """permalinks docs: :i_month :i_day :hour :minute :second :name :post_title :category."""
    config = BASE + "permalink: :category/:i_month/:i_day/:hour-:minute-:second/:name/:post_title.html\n"
    root = make_site(
        tmp_path,
        config,
        {"_posts/sub/File.md": post("title: Hello World\ndate: 2013-07-04 09:05:06\ncategories: [A B, C]")},
    )
    assert show(root, "_posts/sub/File.md", capsys)["link"] == (
        "https://example.org/blog/A-B/C/7/4/09-05-06/File/hello-world.html"
    )


def test_category_placeholder_default_map_and_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """configuration docs: default_category, category_map, filename_case (1 lower-cases slugs)."""
    config = BASE + "permalink: :category/:title/\nfilename_case: 1\ncategory_map:\n  计算机: computer\n"
    root = make_site(
        tmp_path,
        config,
        {
            "_posts/a.md": post("title: A\ndate: 2020-01-02"),
            "_posts/b.md": post("title: B\ndate: 2020-01-02\ncategories: [计算机, Linux]"),
        },
    )
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/uncategorized/a/"
    assert show(root, "_posts/b.md", capsys)["link"] == "https://example.org/blog/computer/linux/b/"


def test_any_front_matter_key_is_a_placeholder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """post_permalink.ts copies the post's fields: `posts/:abbrlink/` reads front matter abbrlink."""
    root = make_site(
        tmp_path,
        BASE + "permalink: posts/:abbrlink/\n",
        {"_posts/a.md": post("title: A\ndate: 2020-01-02\nabbrlink: 3cd53ed7")},
    )
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/posts/3cd53ed7/"


def test_permalink_defaults_fill_missing_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """permalinks docs, 'Defaults': permalink_defaults gives :lang its value."""
    config = BASE + "permalink: :lang/:title/\npermalink_defaults:\n  lang: en\n"
    root = make_site(
        tmp_path,
        config,
        {
            "_posts/a.md": post("title: A\ndate: 2020-01-02"),
            "_posts/b.md": post("title: B\ndate: 2020-01-02\nlang: zh-tw"),
        },
    )
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/en/a/"
    assert show(root, "_posts/b.md", capsys)["link"] == "https://example.org/blog/zh-tw/b/"


def test_hash_placeholder_is_sha1_of_slug_and_unix_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """permalinks docs: ':hash' — SHA1 of the file name and the date (post_permalink.ts: slug + date.unix())."""
    import hashlib

    root = make_site(
        tmp_path, BASE + "permalink: :hash/\n", {"_posts/a.md": post("title: A\ndate: 2020-01-02 08:00:00")}
    )
    seconds = int(datetime(2020, 1, 2, 0, 0, tzinfo=UTC).timestamp())
    expected = hashlib.sha1(f"a{seconds}".encode()).hexdigest()[:12]
    assert show(root, "_posts/a.md", capsys)["link"] == f"https://example.org/blog/{expected}/"


def test_front_matter_permalink_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """front-matter docs: `permalink` overrides the post's permalink; it is under the site's url."""
    root = make_site(tmp_path, BASE, {"_posts/a.md": post("title: A\ndate: 2020-01-02\npermalink: /about/Me.html")})
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/about/Me.html"


def test_pretty_urls_trailing_html_false(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """configuration docs, pretty_urls.trailing_html: false drops '.html'."""
    config = BASE + "permalink: :title.html\npretty_urls:\n  trailing_html: false\n"
    root = make_site(tmp_path, config, {"_posts/a.md": post("title: A\ndate: 2020-01-02")})
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/a"


def test_post_asset_folder_gives_a_trailing_slash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """post_permalink.ts: with post_asset_folder a permalink not ending in '/' or '.html' gets '/'."""
    config = BASE + "permalink: :title\npost_asset_folder: true\n"
    root = make_site(tmp_path, config, {"_posts/a.md": post("title: A\ndate: 2020-01-02")})
    assert show(root, "_posts/a.md", capsys)["link"] == "https://example.org/blog/a/"


# --- which files are posts, dates ------------------------------------------------------


def test_published_false_drafts_and_hidden_files_are_left_out(tmp_path: Path) -> None:
    """writing docs (drafts live in source/_drafts), front-matter docs (published), common.ts isHiddenFile."""
    root = make_site(
        tmp_path,
        BASE,
        {
            "_posts/kept.md": post("title: Kept\ndate: 2020-01-02"),
            "_posts/off.md": post("title: Off\ndate: 2020-01-02\npublished: false"),
            "_posts/_hidden.md": post("title: Hidden\ndate: 2020-01-02"),
            "_posts/.dot/x.md": post("title: Dot\ndate: 2020-01-02"),
            "_drafts/draft.md": post("title: Draft\ndate: 2020-01-02"),
            "_posts/notes.mkd": post("title: Mkd\ndate: 2020-01-02"),
        },
    )
    links = build_links(root)
    assert sorted(links) == ["https://example.org/blog/2020/01/02/kept/", "https://example.org/blog/2020/01/02/notes/"]


def test_front_matter_date_is_in_the_sites_timezone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """configuration docs: `timezone` is the time zone of dates written without one."""
    root = make_site(tmp_path, BASE, {"_posts/a.md": post("title: A\ndate: 2020-7-13 18:09:56")})
    assert show(root, "_posts/a.md", capsys)["published"] == "2020-07-13T18:09:56+08:00"


def test_date_from_the_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """post.ts: a post without a date is dated by the :year/:month/:day of new_post_name."""
    config = BASE + "new_post_name: :year-:month-:day-:title.md\n"
    root = make_site(tmp_path, config, {"_posts/2015-08-30-Hello.md": post("title: A")})
    entry = show(root, "_posts/2015-08-30-Hello.md", capsys)
    assert entry["published"] == "2015-08-30T00:00:00+08:00"
    assert entry["link"] == "https://example.org/blog/2015/08/30/Hello/"


def test_no_date_takes_the_files_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """front-matter docs: date defaults to the file's creation date (mtime where there is no birth time)."""
    root = make_site(tmp_path, BASE, {"_posts/a.md": post("title: A")})
    when = datetime(2019, 5, 6, 7, 8, 9, tzinfo=UTC).timestamp()
    os.utime(root / "source" / "_posts" / "a.md", (when, when))
    published = datetime.fromisoformat(show(root, "_posts/a.md", capsys)["published"])
    stat = (root / "source" / "_posts" / "a.md").stat()
    assert published.timestamp() == int(getattr(stat, "st_birthtime", None) or when)


def test_more_marker_ends_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """writing docs / excerpt.ts: <!-- more --> (and <!--more-->) ends the excerpt."""
    body = "Above the fold.\n\n<!--more-->\n\nBelow it.\n"
    root = make_site(tmp_path, BASE, {"_posts/a.md": post("title: A\ndate: 2020-01-02", body)})
    assert show(root, "_posts/a.md", capsys)["summary"] == "Above the fold."


def test_a_tag_written_alone_keeps_its_commas() -> None:
    """post.ts: `tags: a, b` is one tag (wrapped in a list), not two."""
    rules = Rules.__new__(Rules)
    assert rules.front_matter({"tags": "a, b"}, "x.md")["tags"] == ["a, b"]
    assert rules.front_matter({"tag": "x", "category": "y"}, "x.md") == {"tags": ["x"], "categories": ["y"]}


# --- the site's own config ---------------------------------------------------------------


def test_detect_needs_config_and_source_posts(tmp_path: Path) -> None:
    """issue 16: Hexo is `_config.yml` + `source/_posts/`; a Jekyll site (_posts at the root) is not."""
    root = make_site(tmp_path, BASE, {})
    assert hexo.detect(root)
    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: x\n")
    assert not hexo.detect(jekyll)


def test_read_site_reads_the_config(tmp_path: Path) -> None:
    """configuration docs: url, title, subtitle/description, author, language (a list), timezone, permalink."""
    config = (
        "title: 博客\nsubtitle: 副标题\nauthor: 张三\nlanguage: [zh-CN, en]\ntimezone: Asia/Shanghai\n"
        "url: https://example.org/blog/\nroot: /blog/\npermalink: :year/:title/\nnew_post_name: :year-:title.md\n"
        "category_map:\n  计算机: computer\nskip_render:\n  - _posts/notes/**\n"
    )
    facts = hexo.read_site(make_site(tmp_path, config, {}))
    assert (facts.base_url, facts.title, facts.description, facts.author) == (
        "https://example.org/blog/",
        "博客",
        "副标题",
        "张三",
    )
    assert (facts.language, facts.timezone, facts.permalink, facts.posts) == (
        "zh-CN",
        "Asia/Shanghai",
        ":year/:title/",
        "source/_posts",
    )
    assert facts.options["new_post_name"] == ":year-:title.md"
    assert facts.options["category_map.计算机"] == "computer"
    assert facts.exclude == ("notes/**",)


def test_hexo_init_placeholder_url_is_not_an_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`hexo init` writes url: http://example.com; init must ask for --base-url instead."""
    root = make_site(tmp_path, "title: T\nurl: http://example.com\n", {})
    assert hexo.read_site(root).base_url == ""
    assert main(["init", str(root), "--generator", "hexo"]) == 2
    assert "--base-url" in capsys.readouterr().err
    assert not (root / "feedwright.yaml").exists()


def test_empty_timezone_is_the_machines_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """configuration docs: timezone 'defaults to your computer's time zone' — resolved when init runs."""
    monkeypatch.setenv("TZ", "America/New_York")
    root = make_site(tmp_path, "title: T\nurl: https://example.org\ntimezone:\n", {})
    facts = hexo.read_site(root)
    assert facts.timezone == "America/New_York"
    assert any("machine" in line and "America/New_York" in line for line in facts.found)
    text = yaml.safe_load(init(root).read_text(encoding="utf-8"))
    assert text["site"]["timezone"] == "America/New_York"


# --- a real site ------------------------------------------------------------------------


def _table(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SITES / name / "expected.yaml").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.glob("hexo-*")))
def test_real_site(name: str, tmp_path: Path) -> None:
    """init then build a slice of a real Hexo blog; every URL and date as the deployed site shows them."""
    table = _table(name)
    root = tmp_path / name
    shutil.copytree(SITES / name / "site", root)
    assert main(["init", str(root), *table["init_args"]]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml")]) == 0
    feed = feedparser.parse(str(root / "feeds" / "articles" / "atom.xml"))
    links = {e.link: e for e in feed.entries}
    included = [p for p in table["posts"] if p["included"]]
    for row in table["posts"]:
        if not row["included"]:
            assert row["url"] not in links, row["file"]
            continue
        assert row["url"] in links, row["file"]
        published = datetime.fromisoformat(links[row["url"]].published)
        assert published == datetime.fromisoformat(str(row["date"])), row["file"]
    assert len(feed.entries) == len(included)
