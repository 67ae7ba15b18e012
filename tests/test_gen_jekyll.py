"""generators/jekyll.py: Jekyll's rules, each from its documentation (URL on every test) or source.

Docs: https://jekyllrb.com/docs/posts/, /docs/permalinks/, /docs/front-matter/,
/docs/configuration/options/, /docs/configuration/front-matter-defaults/, /docs/structure/.
Source (where the docs are vague): github.com/jekyll/jekyll lib/jekyll/document.rb,
drops/url_drop.rb, url.rb, utils.rb, configuration.rb, readers/post_reader.rb, entry_filter.rb.
"""

from __future__ import annotations

import json
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
from feedwright.config import Config, config_from_mapping
from feedwright.generators import jekyll
from feedwright.generators.base import PostPlace
from feedwright.read.post import read_post

from .conftest import NOW

SITES = Path(__file__).resolve().parent / "sites"
FIXTURE = SITES / "jekyll-jekyllrb"


def config(tmp_path: Path, posts: str = "_posts", tz: str = "UTC", **generator: Any) -> Config:
    site = {"title": "T", "base_url": "https://example.org/", "timezone": tz}
    data = {"site": site, "posts": posts, "generator": {"name": "jekyll", **generator}}
    return config_from_mapping(data, root=tmp_path)


def rules(tmp_path: Path, **kwargs: Any) -> jekyll.Rules:
    return jekyll.Rules(config(tmp_path, **kwargs))


def post(tmp_path: Path, rel: str, front: str, body: str = "Body.\n", **kwargs: Any) -> Any:
    """Write `rel` under the site root and read it with Jekyll's rules."""
    cfg = config(tmp_path, **kwargs)
    path = tmp_path / cfg.posts / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return read_post(path, cfg, NOW)


def url(tmp_path: Path, rel: str, front: str = "title: T", **kwargs: Any) -> str:
    result = post(tmp_path, rel, front, **kwargs)
    assert result.post is not None, result.problems
    return str(result.post.permalink)


# --- which files are posts: https://jekyllrb.com/docs/posts/#creating-posts ----------------------


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("2019-07-23-Using-GDB.md", None),
        ("2019-7-3-short-date.markdown", None),  # DATE_FILENAME_MATCHER: \d{2,4}-\d{1,2}-\d{1,2}
        ("sub/2019-07-23-in-a-folder.mkd", None),
        ("about.md", "not named YYYY-MM-DD-title"),
        ("2019-07-23.md", "not named YYYY-MM-DD-title"),
        ("_hidden/2019-07-23-x.md", "a name Jekyll skips"),  # EntryFilter#special?
        ("sub/.2019-07-23-x.md", "a name Jekyll skips"),
        ("2019-07-23-x.mdown", ".mdown is not in the site's markdown_ext"),  # not in markdown_ext
    ],
)
def test_posts_are_dated_files_in_posts(tmp_path: Path, rel: str, reason: str | None) -> None:
    """https://jekyllrb.com/docs/posts/: YEAR-MONTH-DAY-title.MARKUP in _posts; markdown_ext
    defaults to markdown,mkdown,mkdn,mkd,md (https://jekyllrb.com/docs/configuration/default/)."""
    assert rules(tmp_path).skip(rel) == reason


def test_markdown_ext_comes_from_the_site(tmp_path: Path) -> None:
    """https://jekyllrb.com/docs/configuration/options/ `markdown_ext`."""
    r = rules(tmp_path, options={"markdown_ext": "md,mdown"})
    assert r.skip("2019-07-23-x.mdown") is None
    assert r.skip("2019-07-23-x.markdown") is not None


def test_drafts_and_other_folders_are_never_posts(tmp_path: Path) -> None:
    """https://jekyllrb.com/docs/posts/#drafts: _drafts holds drafts; read from the site's root,
    only files inside a `_posts` folder Jekyll enters are posts (https://jekyllrb.com/docs/structure/)."""
    r = rules(tmp_path, posts=".")
    assert r.skip("_posts/2020-01-02-a.md") is None
    assert r.skip("blog/_posts/2020-01-02-a.md") is None
    assert r.skip("_drafts/2020-01-02-a.md") == "not in a _posts folder"
    assert r.skip("_site/_posts/2020-01-02-a.md") == "in a folder Jekyll does not read"
    assert r.skip("README.md") == "not in a _posts folder"


def test_published_false_is_left_out_and_never_a_date(tmp_path: Path) -> None:
    """https://jekyllrb.com/docs/front-matter/#predefined-global-variables: `published: false`."""
    left = post(tmp_path, "2020-01-02-a.md", "title: A\npublished: false")
    assert left.post is None and left.skipped == "published: false" and not left.problems
    kept = post(tmp_path, "2020-01-03-b.md", "title: B\npublished: true").post
    assert kept is not None and kept.published == datetime(2020, 1, 3, tzinfo=UTC)


def test_draft_key_does_not_unpublish_a_post(tmp_path: Path) -> None:
    """Jekyll's drafts are files in _drafts (https://jekyllrb.com/docs/posts/#drafts); the
    publisher only reads `published` (lib/jekyll/publisher.rb), so `draft: true` in _posts is served."""
    assert post(tmp_path, "2020-01-02-a.md", "title: A\ndraft: true").post is not None


# --- dates: https://jekyllrb.com/docs/posts/#creating-posts, /docs/front-matter/ -------------------


def test_date_comes_from_the_file_name_in_the_site_timezone(tmp_path: Path) -> None:
    """The file name's date, at midnight in `timezone` (https://jekyllrb.com/docs/configuration/options/)."""
    got = post(tmp_path, "2019-07-23-x.md", "title: X", tz="America/Los_Angeles").post
    assert got is not None
    assert got.published.isoformat() == "2019-07-23T00:00:00-07:00"


def test_front_matter_date_overrides_the_file_name(tmp_path: Path) -> None:
    """`date` "overrides the date from the name of the post" (https://jekyllrb.com/docs/front-matter/)."""
    got = post(tmp_path, "2014-11-06-x.md", "title: X\ndate: 2014-11-05 10:48:22 -0800").post
    assert got is not None
    assert got.published == datetime(2014, 11, 5, 18, 48, 22, tzinfo=UTC)


def test_url_date_is_in_the_site_timezone(tmp_path: Path) -> None:
    """Utils.parse_date(...).localtime: an offset in the date is converted to `timezone` before
    :year/:month/:day are taken (jekyllrb.com serves its 2016-08-25 09:50 +0300 post at /2016/08/24/)."""
    got = url(
        tmp_path,
        "2016-08-24-admin.md",
        "title: A\ndate: 2016-08-25 09:50:00 +0300",
        tz="America/Los_Angeles",
        permalink="/news/:year/:month/:day/:title/",
    )
    assert got == "https://example.org/news/2016/08/24/admin/"


def test_a_date_only_ruby_reads_is_read_leniently(tmp_path: Path) -> None:
    """Time.parse takes the parts it finds ('2023-01-29 18:30:22 2023 -0800', jekyllrb.com's 3.9.3 post)."""
    got = post(tmp_path, "2023-01-29-x.md", "title: X\ndate: 2023-01-29 18:30:22 2023 -0800").post
    assert got is not None
    assert got.published == datetime(2023, 1, 30, 2, 30, 22, tzinfo=UTC)


@given(st.dates(min_value=datetime(1970, 1, 1).date(), max_value=datetime(2999, 12, 31).date()))
def test_path_date_reads_any_calendar_date(day: Any) -> None:
    site = {"title": "T", "base_url": "https://e.org/"}
    r = jekyll.Rules(config_from_mapping({"site": site, "posts": "_posts", "generator": "jekyll"}))
    assert r.path_date(f"{day.year}-{day.month}-{day.day}-x.md") == day.isoformat()


# --- URLs: https://jekyllrb.com/docs/permalinks/ ----------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("", "/a/b/2019/07/23/Using-GDB.html"),  # the default: date
        ("date", "/a/b/2019/07/23/Using-GDB.html"),
        ("pretty", "/a/b/2019/07/23/Using-GDB/"),
        ("ordinal", "/a/b/2019/204/Using-GDB.html"),
        ("weekdate", "/a/b/2019/W30/Tue/Using-GDB.html"),
        ("/:w_year/W:week/", "/2019/W30/"),
        ("none", "/a/b/Using-GDB.html"),
        ("/blog/:title/", "/blog/Using-GDB/"),
        ("/:year/:i_month/:i_day/:slug:output_ext", "/2019/7/23/using-gdb.html"),
        ("/:short_year/:short_month/:long_month/:y_day/:w_year/:w_day/:long_day/", None),
        ("/:categories/:name", "/a/b/2019-07-23-using-gdb"),
        ("/:month_:day/:title", "/07_23/Using-GDB"),
        ("/:path/", "/2019-07-23-Using-GDB/"),
    ],
)
def test_permalink_styles_and_placeholders(tmp_path: Path, style: str, expected: str | None) -> None:
    """The built-in styles and the placeholders table of https://jekyllrb.com/docs/permalinks/."""
    if style == "/:w_year/W:week/":
        # :week is %V, two digits; :w_year is %G: 2021-01-03 is in 2020's week 53.
        assert url(tmp_path, "2021-01-03-x.md", permalink=style) == "https://example.org/2020/W53/"
        assert url(tmp_path, "2021-01-04-y.md", permalink=style) == "https://example.org/2021/W01/"
        return
    got = url(tmp_path, "2019-07-23-Using-GDB.md", "title: T\ncategories: A b", permalink=style)
    if expected is None:
        assert got == "https://example.org/19/Jul/July/204/2019/2/Tuesday/"
    else:
        assert got == "https://example.org" + expected


def test_title_keeps_case_and_slug_lowercases(tmp_path: Path) -> None:
    """:title is the file name's title part, case kept; :slug lower-cased; a front matter `slug`
    replaces both (https://jekyllrb.com/docs/permalinks/#placeholders, UrlDrop#title and #slug)."""
    assert url(tmp_path, "2019-07-23-using-pypi-with-GDB.md", permalink="/blog/:title") == (
        "https://example.org/blog/using-pypi-with-GDB"
    )
    assert url(tmp_path, "2019-07-24-x.md", "title: T\nslug: Own-Slug", permalink="/:title/:slug/") == (
        "https://example.org/Own-Slug/own-slug/"
    )


@given(st.text(max_size=40))
def test_jekyll_slugify_matches_its_documented_shape(text: str) -> None:
    """Utils.slugify: no runs of '-', none at either end; default mode lower-cases."""
    slug = jekyll.jekyll_slugify(text)
    assert "--" not in slug and not slug.startswith("-") and not slug.endswith("-")
    assert slug == slug.lower()
    assert jekyll.jekyll_slugify(text, "pretty", cased=True).lower() == jekyll.jekyll_slugify(text, "pretty")


def test_slugify_modes() -> None:
    """https://jekyllrb.com/docs/liquid/filters/ `slugify` examples (default and pretty)."""
    assert jekyll.jekyll_slugify("The _config.yml file") == "the-config-yml-file"
    assert jekyll.jekyll_slugify("The _config.yml file", "pretty") == "the-_config.yml-file"
    assert jekyll.jekyll_slugify("Sass Converter 3.0", "pretty", cased=True) == "Sass-Converter-3.0"


def test_categories_are_lowercased_in_urls_and_split_on_spaces(tmp_path: Path) -> None:
    """`categories: a b` is two categories (https://jekyllrb.com/docs/posts/#categories); in the
    URL each is downcased and escaped (UrlDrop#categories, URL.escape_path)."""
    result = post(tmp_path, "2020-01-02-x.md", "title: X\ncategories: Linux Python\ncategory: Big Data")
    assert result.post is not None
    assert result.post.categories == ("Linux", "Python", "Big Data")
    assert result.post.permalink == "https://example.org/linux/python/big%20data/2020/01/02/x.html"


def test_tags_split_on_spaces(tmp_path: Path) -> None:
    """https://jekyllrb.com/docs/posts/#tags: `tags: a b` is two tags; `tag:` is one whole."""
    one = post(tmp_path, "2020-01-02-x.md", "title: X\ntags: gdb python").post
    two = post(tmp_path, "2020-01-03-y.md", "title: Y\ntag: big data").post
    assert one is not None and one.tags == ("gdb", "python")
    assert two is not None and two.tags == ("big data",)


def test_folders_above_posts_are_categories(tmp_path: Path) -> None:
    """`blog/_posts/x` is in category blog; `_posts/es/x` is not (Document#categories_from_path,
    https://jekyllrb.com/docs/posts/#categories)."""
    got = post(tmp_path, "blog/_posts/es/2020-01-02-x.md", "title: X\ncategories: [Misc]", posts=".").post
    assert got is not None
    assert got.categories == ("blog", "Misc")
    assert got.permalink == "https://example.org/blog/misc/2020/01/02/x.html"


def test_front_matter_permalink_may_hold_placeholders(tmp_path: Path) -> None:
    """A post's own `permalink` wins, and its placeholders are filled (https://jekyllrb.com/docs/permalinks/#front-matter)."""
    got = url(tmp_path, "2020-01-02-Hello.md", "title: X\npermalink: /p/:year/:title/", permalink="pretty")
    assert got == "https://example.org/p/2020/Hello/"
    assert url(tmp_path, "2020-01-03-y.md", "title: Y\nurl: /not/a/permalink/") == (
        "https://example.org/2020/01/03/y.html"
    )


def test_front_matter_defaults_permalink(tmp_path: Path) -> None:
    """`defaults:` values apply to posts under their scope path, the most specific one winning
    (https://jekyllrb.com/docs/configuration/front-matter-defaults/)."""
    scoped = {"": "/all/:title/", "blog": "/blog/:title/"}
    assert url(tmp_path, "blog/_posts/2020-01-02-x.md", permalinks=scoped, posts=".") == "https://example.org/blog/x/"
    assert url(tmp_path, "_posts/2020-01-02-y.md", permalinks=scoped, posts=".") == "https://example.org/all/y/"


def test_baseurl_prefixes_every_post(tmp_path: Path) -> None:
    """`url` + `baseurl` (https://jekyllrb.com/docs/configuration/options/)."""
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("url: https://me.github.io\nbaseurl: /blog\ntitle: Me\n")
    (tmp_path / "_posts" / "2020-01-02-Hello.md").write_text("---\ntitle: Hi\n---\nText.\n")
    assert main(["init", str(tmp_path), "--generator", "jekyll"]) == 0
    assert main(["build", "-c", str(tmp_path / "feedwright.yaml"), "-q"]) == 0
    feed = feedparser.parse(str(tmp_path / "feeds" / "articles" / "atom.xml"))
    assert [e.link for e in feed.entries] == ["https://me.github.io/blog/2020/01/02/Hello.html"]


def test_title_defaults_to_the_titleized_file_name(tmp_path: Path) -> None:
    """Document#populate_title: `data["title"] ||= Utils.titleize_slug(slug)`."""
    path = tmp_path / "_posts" / "2020-01-02-using-pypi-with-GDB.md"
    path.parent.mkdir()
    path.write_text("---\nlayout: post\n---\nText.\n")
    result = read_post(path, config(tmp_path), NOW)
    assert result.post is not None and result.post.title == "Using Pypi With Gdb"
    assert not result.problems


def test_summary_separator_is_jekylls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`<!-- more -->` is nothing to Jekyll unless the site's or the post's excerpt_separator names
    it (https://jekyllrb.com/docs/posts/#post-excerpts)."""
    path = tmp_path / "_posts" / "2020-01-02-x.md"
    path.parent.mkdir()
    cfg = tmp_path / "feedwright.yaml"

    def summary(text: str, separator: str) -> str:
        path.write_text(f"---\ntitle: X\n---\n{text}")
        generator = {"name": "jekyll", "summary_separator": separator}
        site = {"title": "T", "base_url": "https://e.org/"}
        cfg.write_text(yaml.safe_dump({"site": site, "posts": "_posts", "generator": generator}))
        assert main(["show", str(path), "-c", str(cfg), "--json"]) == 0
        return str(json.loads(capsys.readouterr().out)[0]["summary"])

    first = summary("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n", "")
    # Not cut at `<!-- more -->`; feedwright's own summary (the text's start) stands in for the
    # first paragraph (split/more.py would merge the paragraphs around a "\n\n" separator).
    assert "Third." in first
    cut = summary("One.\n\nTwo.\n<!--cut-->\nThree.\n", "<!--cut-->")
    assert "Two." in cut and "Three." not in cut


# --- read_site and detect: https://jekyllrb.com/docs/configuration/ -------------------------------


def test_detect_wants_a_config_and_posts(tmp_path: Path) -> None:
    """Jekyll: _config.yml (or .yaml, .toml) and _posts; Hexo's source/_posts is not Jekyll's."""
    assert not jekyll.detect(tmp_path)
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "source" / "_posts").mkdir(parents=True)
    assert not jekyll.detect(tmp_path)
    (tmp_path / "_posts").mkdir()
    assert jekyll.detect(tmp_path)


def test_read_site_reads_config(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "blog" / "_posts").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(
        "url: https://x.org\nbaseurl: /b\nname: Site\ndescription: D\nlocale: en_GB\n"
        "timezone: Europe/Paris\nauthor: {name: Ann}\npermalink: pretty\nexcerpt_separator: <!--more-->\n"
        "markdown_ext: md\nexclude: [_posts/old/, '*.txt', Gemfile]\n"
        "defaults:\n  - scope: {path: blog, type: posts}\n    values: {permalink: /b/:title/}\n"
    )
    facts = jekyll.read_site(tmp_path)
    assert (facts.posts, facts.base_url, facts.title, facts.description) == (".", "https://x.org/b/", "Site", "D")
    assert (facts.language, facts.timezone, facts.author, facts.permalink) == ("en-GB", "Europe/Paris", "Ann", "pretty")
    assert facts.permalinks == {"blog": "/b/:title/"}
    assert facts.summary_separator == "<!--more-->"
    assert facts.options == {"markdown_ext": "md"}
    assert facts.exclude == ("/_posts/old/", "*.txt", "/Gemfile")


def test_read_site_takes_cname_when_url_is_missing(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.toml").write_text('title = "T"\n')
    (tmp_path / "CNAME").write_text("blog.example.com\n")
    facts = jekyll.read_site(tmp_path)
    assert (facts.posts, facts.base_url, facts.title) == ("_posts", "https://blog.example.com/", "T")


# --- the real site ----------------------------------------------------------------------------------


def _expected() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURE / "expected.yaml").read_text(encoding="utf-8"))
    return data


def test_real_site_jekyllrb(tmp_path: Path) -> None:
    """jekyllrb.com's news posts (tests/sites/jekyll-jekyllrb/SOURCE.md): every URL and date as the
    site serves it."""
    expected = _expected()
    site = tmp_path / "site"
    shutil.copytree(FIXTURE / "site", site)
    assert main(["init", str(site), *expected["init_args"]]) == 0
    assert main(["build", "-c", str(site / "feedwright.yaml"), "-q"]) == 0
    feed = feedparser.parse(str(site / "feeds" / "articles" / "atom.xml"))
    links = {e.link: e for e in feed.entries}
    included = [p for p in expected["posts"] if p["included"]]
    assert len(feed.entries) == len(included)
    for row in expected["posts"]:
        if not row["included"]:
            assert row["url"] not in links, row["file"]
            continue
        assert row["url"] in links, row["file"]
        published = datetime.fromisoformat(links[row["url"]].published)
        assert published == datetime.fromisoformat(str(row["date"])), row["file"]


def test_place_is_what_permalink_reads(tmp_path: Path) -> None:
    """Rules.permalink is a pure function of front matter and PostPlace."""
    r = rules(tmp_path, permalink="/:year/:title/")
    place = PostPlace("2020-01-02-Hi.md", "Hi", "Hi", datetime(2020, 1, 2, tzinfo=UTC))
    assert r.permalink({}, place) == "/2020/Hi/"
