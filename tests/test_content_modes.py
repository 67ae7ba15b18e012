"""Content modes (full, summary; global, per feed kind, per post), the byte budget, and exclusion."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedwright.config import Config, ConfigError
from feedwright.engine.build import BuildOptions, run_build
from feedwright.pipeline import build_site

from .conftest import NOW, write_post
from .regenerate_golden import published_files

ATOM = "{http://www.w3.org/2005/Atom}"
BODY = "Body paragraph with words that only the full text holds. " * 40


def _posts(folder: Path, count: int = 3, tags: str = "[Linux]") -> None:
    for i in range(count):
        write_post(
            folder,
            f"p{i}.md",
            f"---\ntitle: Post {i}\ndate: 2024-01-{i + 1:02d} 10:00:00\ntags: {tags}\n"
            f"categories: [News]\nsummary: Summary {i} <b>\n---\n\n{BODY}\n",
        )


def _contents(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [c.text or "" for c in root.iter(f"{ATOM}content")]


def test_full_is_the_default(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder)
    site = build_site(make_config(folder), NOW)
    assert all("only the full text holds" in c for c in _contents(site.files["atom.xml"]))


def test_summary_globally_gives_summary_and_read_more_in_every_format(
    make_config: Callable[..., Config], folder: Path
) -> None:
    _posts(folder)
    site = build_site(make_config(folder, content="summary"), NOW)
    for name in ("atom.xml", "tags/linux/atom.xml", "articles/atom.xml"):
        for content in _contents(site.files[name]):
            assert "only the full text holds" not in content
            assert content.startswith("<p>Summary ") and "&lt;b&gt;" in content
            assert content.endswith("阅读全文</a></p>")  # LINUXCN_SITE is zh-CN
    rss = feedparser.parse(site.files["rss.xml"])
    assert all("only the full text holds" not in e.content[0].value for e in rss.entries if "content" in e)
    items = json.loads(site.files["feed.json"])["items"]
    assert all("only the full text holds" not in i["content_html"] for i in items)
    assert items[0]["content_html"].endswith(f'<p><a href="{items[0]["url"]}">阅读全文</a></p>')


def test_content_by_kind_and_read_more_text(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder)
    config = make_config(folder, content_by_kind={"tags": "summary"}, read_more="Continue")
    site = build_site(config, NOW)
    assert all("only the full text holds" in c for c in _contents(site.files["atom.xml"]))
    assert all("only the full text holds" in c for c in _contents(site.files["categories/news/atom.xml"]))
    tagged = _contents(site.files["tags/linux/atom.xml"])
    assert tagged and all(c.endswith(">Continue</a></p>") for c in tagged)


def test_english_sites_read_more(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder, 1)
    config = make_config(folder, content="summary", site={"language": "en-GB"})
    assert "Read more…</a></p>" in _contents(build_site(config, NOW).files["atom.xml"])[0]


def test_a_post_can_ask_for_summary_in_every_feed(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder, 2)
    write_post(folder, "short.md", f"---\ntitle: Short\ndate: 2024-02-01\ncontent: summary\nsummary: S\n---\n{BODY}")
    site = build_site(make_config(folder), NOW)
    contents = _contents(site.files["atom.xml"])
    assert contents[0].startswith("<p>S</p>") and "only the full text holds" not in contents[0]
    assert all("only the full text holds" in c for c in contents[1:])


def test_a_wrong_post_content_value_is_a_warning(make_config: Callable[..., Config], folder: Path) -> None:
    write_post(folder, "a.md", "---\ntitle: A\ndate: 2024-02-01\ncontent: sumary\n---\nText\n")
    site = build_site(make_config(folder), NOW)
    assert any("'content' must be full or summary" in p.message for p in site.problems)
    assert "Text" in _contents(site.files["atom.xml"])[0]


@pytest.mark.parametrize(
    "overrides",
    [{"content": "short"}, {"content_by_kind": {"tag": "summary"}}, {"content_by_kind": {"site": "none"}}],
)
def test_bad_content_settings_are_refused(make_config: Callable[..., Config], folder: Path, overrides: dict) -> None:
    with pytest.raises(ConfigError, match="content"):
        make_config(folder, **overrides)


def test_the_byte_budget_cuts_the_oldest_entries_to_summaries(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder, 10)
    full = build_site(make_config(folder), NOW).files
    limit = len(full["atom.xml"]) - 3000
    config = make_config(folder, limits={"max_feed_bytes": limit})
    site = build_site(config, NOW)
    for name in ("atom.xml", "rss.xml", "feed.json", "articles/atom.xml"):
        assert len(site.files[name]) <= limit < len(full[name]), name
    contents = _contents(site.files["atom.xml"])
    assert len(contents) == 10
    # The newest stay whole; from some point on, every older one is its summary.
    whole = ["only the full text holds" in c for c in contents]
    assert whole[0] and not whole[-1] and whole == sorted(whole, reverse=True)
    # Cut as few as it takes: one more whole entry would not fit.
    assert whole.count(False) < 10
    warnings = [p for p in site.problems if "max_feed_bytes" in p.message]
    site_warning = [p for p in warnings if p.path.endswith("out")]
    assert len(site_warning) == 1 and "atom.xml" in site_warning[0].message and "rss.xml" in site_warning[0].message
    assert {p.severity for p in warnings} == {"warning"}


def test_the_byte_budget_leaves_out_entries_when_summaries_are_too_large(
    make_config: Callable[..., Config], folder: Path
) -> None:
    _posts(folder, 10)
    config = make_config(folder, limits={"max_feed_bytes": 3000})
    site = build_site(config, NOW)
    assert len(site.files["atom.xml"]) <= 3000 and len(site.files["feed.json"]) <= 3000
    parsed = feedparser.parse(site.files["atom.xml"])
    assert not parsed.bozo and 0 < len(parsed.entries) < 10
    assert parsed.entries[0].title == "Post 9"
    assert any("left out" in p.message for p in site.problems)


def test_a_build_writes_what_the_stages_make_with_a_budget(make_config: Callable[..., Config], folder: Path) -> None:
    _posts(folder, 10)
    config = make_config(folder, limits={"max_feed_bytes": 8000}, content_by_kind={"categories": "summary"})
    site = build_site(config, NOW)
    report = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert published_files(config.output_dir()) == site.files
    assert sum("max_feed_bytes" in p.message for p in report.problems) == sum(
        "max_feed_bytes" in p.message for p in site.problems
    )
    # A warm build after one edit still writes the stages' bytes.
    write_post(folder, "p3.md", (folder / "p3.md").read_text(encoding="utf-8").replace("Post 3", "Post three"))
    run_build(config, BuildOptions(now=NOW, jobs=1))
    assert published_files(config.output_dir()) == build_site(config, NOW).files


def test_excluded_tags_and_categories_stay_out_of_the_site_feeds(
    make_config: Callable[..., Config], folder: Path
) -> None:
    _posts(folder, 2)
    write_post(folder, "ad.md", "---\ntitle: Ad\ndate: 2024-03-01\ntags: [Sponsored, Linux]\n---\nBuy\n")
    write_post(folder, "memo.md", "---\ntitle: Memo\ndate: 2024-03-02\ncategories: [Internal]\n---\nMemo\n")
    config = make_config(folder, exclude_tags=["sponsored"], exclude_categories=["INTERNAL"], archive=True)
    site = build_site(config, NOW)

    def titles(name: str) -> set[str]:
        return {e.title for e in feedparser.parse(site.files[name]).entries}

    assert titles("atom.xml") == titles("articles/atom.xml") == {"Post 0", "Post 1"}
    assert {"Ad", "Post 0", "Post 1"} == titles("tags/linux/atom.xml")
    assert titles("tags/sponsored/atom.xml") == {"Ad"}
    assert titles("categories/internal/atom.xml") == {"Memo"}
    assert not any(name.startswith("archive/2024-03") for name in site.files)
    run_build(config, BuildOptions(now=NOW, jobs=1))
    assert published_files(config.output_dir()) == site.files
