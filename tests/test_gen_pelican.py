"""Pelican's rules, each from its documentation or, where the docs are vague, its source.

Docs: https://docs.getpelican.com/en/latest/content.html (metadata, drafts, slugs, categories),
https://docs.getpelican.com/en/latest/settings.html (URL, path and slug settings). Source:
https://github.com/getpelican/pelican (pelican/settings.py DEFAULT_CONFIG, readers.py,
contents.py, utils.py slugify).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from feedwright.cli import main
from feedwright.config import Config, config_from_mapping
from feedwright.generators import pelican
from feedwright.generators.pelican import DEFAULT_SLUG_SUBSTITUTIONS, Rules, read_header, slugify
from feedwright.pipeline import read_site as pipeline_read_site
from feedwright.read import read_post
from feedwright.read.select import selection

from .conftest import NOW

SITES = Path(__file__).parent / "sites"
BASE = "https://blog.example.org/"


def make_config(root: Path, generator: dict[str, Any] | None = None, **site: Any) -> Config:
    data = {
        "site": {"title": "T", "base_url": BASE, "timezone": "Europe/Paris", **site},
        "posts": "content",
        "generator": {"name": "pelican", **(generator or {})},
    }
    return config_from_mapping(data, root=root)


def read(root: Path, config: Config, text: str, rel: str = "post.md") -> Any:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_post(path, config, NOW, display=rel)


def post(root: Path, config: Config, text: str, rel: str = "post.md") -> Any:
    result = read(root, config, text, rel)
    assert result.post is not None, (result.skipped, [p.format() for p in result.problems])
    return result.post


# Metadata ------------------------------------------------------------------------------------


def test_markdown_metadata_lines() -> None:
    """content.html#file-metadata: Markdown posts open with `Key: value` lines (Python-Markdown's
    meta extension: keys case-insensitive, indented lines continue a value, a blank line ends them)."""
    text = "Title: My super title\nDATE: 2010-12-03 10:20\nSummary: Short\n    and sweet\n\nBody: not metadata\n"
    meta, body, line = read_header(text)
    assert meta == {"title": "My super title", "date": "2010-12-03 10:20", "summary": "Short\nand sweet"}
    assert body == "Body: not metadata\n"
    assert line == 6


def test_metadata_ends_at_a_line_that_is_not_metadata() -> None:
    """Python-Markdown meta extension: the first line that is no `Key: value` ends the metadata."""
    meta, body, line = read_header("Title: A\nThis is text.\nMore\n")
    assert meta == {"title": "A"}
    assert body == "This is text.\nMore\n"
    assert line == 2


def test_fenced_yaml_is_left_to_the_front_matter_reader(tmp_path: Path) -> None:
    """A file opening with `---` (the yaml_metadata plugin's fenced front matter) is read as YAML,
    its keys as case-insensitive as Pelican's own."""
    config = make_config(tmp_path)
    assert Rules(config).header("---\ntitle: x\n---\nbody\n") is None
    got = post(tmp_path, config, "---\nTitle: Fenced Post\nDate: 2020-01-02\n---\nBody\n")
    assert got.permalink == BASE + "fenced-post.html"


@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True).filter(lambda k: k not in ("summary",)),
        # Python-Markdown expands tabs before the meta extension reads the lines: none here.
        st.text(st.characters(blacklist_categories=("Cc", "Zl", "Zp")), max_size=30).map(str.strip).filter(bool),
        min_size=1,
        max_size=6,
    )
)
def test_header_reads_back_what_was_written(fields: dict[str, str]) -> None:
    """Every `Key: value` line comes back under its lower-cased key, the body after the blank line."""
    text = "".join(f"{k.capitalize()}: {v}\n" for k, v in fields.items()) + "\nbody\n"
    meta, body, _ = read_header(text)
    assert meta == fields
    assert body == "body\n"


def test_tags_and_authors_lists(tmp_path: Path) -> None:
    """content.html: `Tags: thats, awesome`, `Authors: Alexis Metaireau, Conan Doyle`; readers.py
    ensure_metadata_list splits on ';' when there is one ('Doe, Jane; Doe, John')."""
    config = make_config(tmp_path)
    got = post(
        tmp_path, config, "Title: T\nDate: 2020-01-01\nTags: thats, awesome\nAuthors: Doe, Jane; Roe, Rick\n\nx\n"
    )
    assert got.tags == ("thats", "awesome")
    assert [a.name for a in got.authors] == ["Doe, Jane", "Roe, Rick"]


def test_summary_metadata_is_the_summary(tmp_path: Path) -> None:
    """content.html: `Summary:` is the article's summary (else its first SUMMARY_MAX_LENGTH words)."""
    config = make_config(tmp_path)
    got = post(tmp_path, config, "Title: T\nDate: 2020-01-01\nSummary: Short version.\n\nLong text.\n")
    assert got.summary == "Short version."


def test_modified_is_the_updated_date(tmp_path: Path) -> None:
    """content.html: `Modified:` is the article's modification date."""
    config = make_config(tmp_path)
    got = post(tmp_path, config, "Title: T\nDate: 2020-01-01 10:00\nModified: 2020-02-01 10:00\n\nx\n")
    assert got.updated == datetime(2020, 2, 1, 9, 0, tzinfo=UTC)


# Which files are articles ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "hidden", "skip", "Draft", "bogus"])
def test_status_other_than_published_is_left_out(tmp_path: Path, status: str) -> None:
    """content.html#publishing-drafts: `Status: draft` and `hidden` are not listed with the articles
    (nor in feeds); contents.py Article.allowed_statuses refuses any other status than published."""
    config = make_config(tmp_path)
    result = read(tmp_path, config, f"Title: T\nDate: 2020-01-01\nStatus: {status}\n\nx\n")
    assert result.post is None and result.skipped is not None and "Status" in result.skipped
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01\nStatus: published\n\nx\n")


def test_default_metadata_status_draft(tmp_path: Path) -> None:
    """settings.html DEFAULT_METADATA: {'status': 'draft'} makes every article a draft unless it says otherwise."""
    config = make_config(tmp_path, {"options": {"default_metadata": json.dumps({"status": "draft"})}})
    assert read(tmp_path, config, "Title: T\nDate: 2020-01-01\n\nx\n").post is None
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01\nStatus: published\n\nx\n")


def test_other_languages_are_left_out(tmp_path: Path) -> None:
    """content.html#translations: `Lang:` other than DEFAULT_LANG is a translation; only the
    default language is published by feedwright."""
    config = make_config(tmp_path, {"language": "en"})
    result = read(tmp_path, config, "Title: Bonjour\nDate: 2020-01-01\nLang: fr\n\nx\n")
    assert result.post is None and "Lang: fr" in (result.skipped or "")
    assert post(tmp_path, config, "Title: Hello\nDate: 2020-01-01\nLang: EN\n\nx\n")


def test_which_files_are_articles(tmp_path: Path) -> None:
    """readers.py MarkdownReader.file_extensions (md, markdown, mkd, mdown); settings.html
    ARTICLE_PATHS, ARTICLE_EXCLUDES, PAGE_PATHS (pages are not articles), IGNORE_FILES (hidden files).
    reStructuredText articles are not read by feedwright: skipped quietly."""
    options = {"article_paths": json.dumps(["blog", "notes"]), "ignore_files": json.dumps([".#*"])}
    data = {
        "site": {"title": "T", "base_url": BASE},
        "posts": "content",
        "generator": {"name": "pelican", "options": options},
        "exclude": ["/blog/drafts/", "/pages/"],
    }
    wants = selection(config_from_mapping(data, root=tmp_path)).wants
    assert wants("blog/a.md") and wants("blog/b.markdown") and wants("notes/c.mkd") and wants("notes/d.mdown")
    assert not wants("blog/e.rst")
    assert not wants("blog/drafts/f.md")
    assert not wants("pages/about.md")
    assert not wants("other/g.md")
    assert not wants("blog/.#h.md") and not wants("blog/.hidden/i.md")


# Dates ----------------------------------------------------------------------------------------


def test_date_from_file_name(tmp_path: Path) -> None:
    """settings.html FILENAME_METADATA, default r'(?P<date>\\d{4}-\\d{2}-\\d{2}).*': the date in the
    file's name when the metadata give none; dates without an offset are in TIMEZONE."""
    config = make_config(tmp_path)
    got = post(tmp_path, config, "Title: T\n\nx\n", "2012-10-25-my-post.md")
    assert got.published == datetime(2012, 10, 25, tzinfo=timezone(timedelta(hours=2)))


def test_filename_metadata_with_a_slug(tmp_path: Path) -> None:
    """settings.html FILENAME_METADATA example: '(?P<date>\\d{4}-\\d{2}-\\d{2})_(?P<slug>.*)'."""
    options = {"filename_metadata": r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<slug>.*)"}
    config = make_config(tmp_path, {"options": options})
    got = post(tmp_path, config, "Title: Whatever Title\n\nx\n", "2020-03-04_From-Name.md")
    assert got.permalink == BASE + "From-Name.html"
    assert got.published.date().isoformat() == "2020-03-04"


def test_path_metadata(tmp_path: Path) -> None:
    """settings.html PATH_METADATA example: r"(?P<date>\\d{4}/\\d{2}/\\d{2}).*" reads 2026/04/30.md's date."""
    options = {"path_metadata": r"(?P<date>\d{4}/\d{2}/\d{2}).*"}
    config = make_config(tmp_path, {"options": options})
    got = post(tmp_path, config, "Title: T\n\nx\n", "2026/04/30.md")
    assert got.published.date().isoformat() == "2026-04-30"


def test_default_date_fs(tmp_path: Path) -> None:
    """settings.html DEFAULT_DATE = 'fs': the file's modification time when no date is given."""
    config = make_config(tmp_path, {"options": {"default_date": "fs"}})
    path = tmp_path / "content" / "undated.md"
    path.parent.mkdir(parents=True)
    path.write_text("Title: T\n\nx\n", encoding="utf-8")
    stamp = datetime(2021, 5, 6, 7, 8, 9, tzinfo=UTC).timestamp()
    import os

    os.utime(path, (stamp, stamp))
    got = read_post(path, config, NOW)
    assert got.post is not None and got.post.published == datetime(2021, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_article_timezone_metadata(tmp_path: Path) -> None:
    """contents.py: an article's `Timezone:` metadata overrides TIMEZONE for its date."""
    config = make_config(tmp_path)
    got = post(tmp_path, config, "Title: T\nDate: 2020-01-01 12:00\nTimezone: Asia/Tokyo\n\nx\n")
    assert got.published == datetime(2020, 1, 1, 3, 0, tzinfo=UTC)


# Slugs and URLs --------------------------------------------------------------------------------


def test_default_url_is_the_title_slug(tmp_path: Path) -> None:
    """settings.html: ARTICLE_URL defaults to '{slug}.html', SLUGIFY_SOURCE to 'title'."""
    config = make_config(tmp_path)
    got = post(tmp_path, config, "Title: My super title\nDate: 2010-12-03\n\nx\n", "2010-12-03-other-name.md")
    assert got.permalink == BASE + "my-super-title.html"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("My super title", "my-super-title"),
        ("Numba vs. Cython: Take 2", "numba-vs-cython-take-2"),
        ("Simulating Chutes & Ladders in Python", "simulating-chutes-ladders-in-python"),
        ("Why Python is the Last Language You'll Have To Learn", "why-python-is-the-last-language-youll-have-to-learn"),
        ("Café à la crème", "cafe-a-la-creme"),
        ("Straße — Ærø", "strasse-aero"),
        ("<em>Bold</em> &amp; new", "bold-new"),
        ("snake_case  and -- dashes", "snake_case-and-dashes"),
    ],
)
def test_slugify_like_pelican(title: str, slug: str) -> None:
    """utils.py slugify with SLUG_REGEX_SUBSTITUTIONS' default: tags stripped, ASCII-fied,
    non-word characters removed, whitespace and dashes to one '-', lower case."""
    assert slugify(title, DEFAULT_SLUG_SUBSTITUTIONS) == slug


def test_slug_settings(tmp_path: Path) -> None:
    """settings.html: SLUGIFY_PRESERVE_CASE keeps case; SLUG_REGEX_SUBSTITUTIONS, (from, to) regex
    pairs applied in order ignoring case, replace the defaults (here 'C++' → 'cpp' before them);
    SLUGIFY_USE_UNICODE keeps letters of any script."""
    subs = [[r"C\+\+", "cpp"], *[list(p) for p in DEFAULT_SLUG_SUBSTITUTIONS]]
    options = {"slugify_preserve_case": "true", "slug_regex_substitutions": json.dumps(subs)}
    config = make_config(tmp_path, {"options": options})
    got = post(tmp_path, config, "Title: Learning C++ Fast\nDate: 2020-01-01\n\nx\n")
    assert got.permalink == BASE + "Learning-cpp-Fast.html"
    assert slugify("Ελληνικά δεδομένα", DEFAULT_SLUG_SUBSTITUTIONS, use_unicode=True) == "ελληνικά-δεδομένα"


def test_slug_metadata_wins_as_written(tmp_path: Path) -> None:
    """content.html: `Slug:` is the article's identifier in URLs, kept as written (case included)."""
    config = make_config(tmp_path)
    got = post(
        tmp_path, config, "Title: XKCD Plots have Landed!\nDate: 2013-07-10\nSlug: XKCD-plots-in-matplotlib\n\nx\n"
    )
    assert got.permalink == BASE + "XKCD-plots-in-matplotlib.html"


def test_slugify_source_basename(tmp_path: Path) -> None:
    """settings.html SLUGIFY_SOURCE = 'basename': the slug is the file's name without extension, slugified."""
    config = make_config(tmp_path, {"options": {"slugify_source": "basename", "filename_metadata": ""}})
    got = post(tmp_path, config, "Title: Another Title\nDate: 2020-01-01\n\nx\n", "My_File Name.md")
    assert got.permalink == BASE + "my_file-name.html"


def test_article_url_with_date_category_author(tmp_path: Path) -> None:
    """settings.html URL settings: ARTICLE_URL 'posts/{date:%Y}/{date:%b}/{date:%d}/{slug}/' (the docs'
    example) formats the date with Python's format; {category} and {author} are their slugs."""
    config = make_config(tmp_path, {"permalink": "{category}/{author}/{date:%Y}/{date:%b}/{date:%d}/{slug}/"})
    text = "Title: A Post\nDate: 2020-03-01 00:30\nCategory: Big News\nAuthor: Jane Doe\n\nx\n"
    got = post(tmp_path, config, text)
    assert got.permalink == BASE + "big-news/jane-doe/2020/Mar/01/a-post/"
    assert got.categories == ("Big News",)


def test_date_in_url_is_the_local_date(tmp_path: Path) -> None:
    """contents.py: the date ARTICLE_URL formats is in TIMEZONE (or the date's own offset)."""
    config = make_config(tmp_path, {"permalink": "{date:%Y}/{date:%m}/{date:%d}/{slug}/"})
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01 00:30\n\nx\n").permalink == BASE + "2020/01/01/t/"
    late = post(tmp_path, config, "Title: T\nDate: 2019-12-31T23:30:00-05:00\n\nx\n")
    assert late.permalink == BASE + "2019/12/31/t/"


def test_folder_is_the_category(tmp_path: Path) -> None:
    """settings.html USE_FOLDER_AS_CATEGORY (default True): the folder is the category unless
    `Category:` says one; at the top, DEFAULT_CATEGORY ('misc')."""
    config = make_config(tmp_path, {"permalink": "{category}/{slug}.html"})
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01\n\nx\n", "Python Tips/a.md").permalink == (
        BASE + "python-tips/t.html"
    )
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01\nCategory: Rust\n\nx\n", "Python/b.md").categories == (
        "Rust",
    )
    assert post(tmp_path, config, "Title: T\nDate: 2020-01-01\n\nx\n", "c.md").categories == ("misc",)
    off = make_config(tmp_path, {"options": {"use_folder_as_category": "false", "default_category": "blog"}})
    assert post(tmp_path, off, "Title: T\nDate: 2020-01-01\n\nx\n", "Python/d.md").categories == ("blog",)


def test_url_metadata_overrides(tmp_path: Path) -> None:
    """content.html: `URL:` metadata sets the article's URL, relative to SITEURL."""
    config = make_config(tmp_path)
    got = post(
        tmp_path, config, "Title: T\nDate: 2020-01-01\nURL: special/place/\nSave_as: special/place/index.html\n\nx\n"
    )
    assert got.permalink == BASE + "special/place/"


@given(st.text(max_size=60))
def test_slugify_properties(title: str) -> None:
    """utils.py slugify with the default substitutions: only [a-z0-9_-], never a run of dashes,
    and slugifying a slug changes nothing."""
    slug = slugify(title, DEFAULT_SLUG_SUBSTITUTIONS)
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789_-" for c in slug)
    assert "--" not in slug
    assert slugify(slug, DEFAULT_SLUG_SUBSTITUTIONS) == slug


# The site's own config --------------------------------------------------------------------------


def _site(root: Path, conf: str, publish: str | None = None) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(conf, encoding="utf-8")
    if publish is not None:
        (root / "publishconf.py").write_text(publish, encoding="utf-8")
    return root


def test_read_site_publishconf_over_pelicanconf(tmp_path: Path) -> None:
    """settings.html: publishconf.py (`from pelicanconf import *`) holds the published SITEURL."""
    conf = (
        "AUTHOR = 'Ann'\nSITENAME = 'Notes'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'Europe/Paris'\n"
        "DEFAULT_LANG = 'fr'\nARTICLE_URL = 'posts/{date:%Y}/{slug}/'\nSLUGIFY_SOURCE = 'basename'\n"
        "ARTICLE_EXCLUDES = ['drafts']\nPLUGINS = ['summary']\n"
    )
    publish = (
        "import os, sys\nsys.path.append(os.curdir)\nfrom pelicanconf import *\nSITEURL = 'https://notes.example'\n"
    )
    facts = pelican.read_site(_site(tmp_path, conf, publish))
    assert (facts.base_url, facts.title, facts.author, facts.timezone) == (
        "https://notes.example",
        "Notes",
        "Ann",
        "Europe/Paris",
    )
    assert facts.language == "fr" and facts.posts == "content"
    assert facts.permalink == "posts/{date:%Y}/{slug}/"
    assert facts.options["slugify_source"] == "basename"
    assert facts.exclude == ("/drafts/", "/pages/")
    assert facts.summary_separator == "<!-- PELICAN_END_SUMMARY -->"
    assert any("publishconf.py (SITEURL)" in line for line in facts.found)


def test_read_site_never_runs_the_config(tmp_path: Path) -> None:
    """The config is parsed, not run: a call is named as not read, and does nothing."""
    marker = tmp_path / "ran"
    conf = (
        f"open({str(marker)!r}, 'w').write('x')\nimport os\nSITENAME = 'S'\n"
        "PATH = os.path.join(os.path.dirname(__file__), 'content')\nSITEURL = 'https://s.example'\n"
        "PLUGINS = ['a']\nPLUGINS += ['summary']\n"
    )
    facts = pelican.read_site(_site(tmp_path, conf))
    assert not marker.exists()
    assert facts.posts == "content" and facts.base_url == "https://s.example"
    assert any("not read" in line and "PATH" in line for line in facts.found)
    assert facts.summary_separator


def test_read_site_old_settings(tmp_path: Path) -> None:
    """pelican/settings.py handle_deprecated_settings: ARTICLE_DIR → ARTICLE_PATHS, SLUG_SUBSTITUTIONS
    → SLUG_REGEX_SUBSTITUTIONS (escaped, the defaults appended)."""
    conf = (
        "SITENAME = 'S'\nARTICLE_DIR = 'posts'\nSLUG_SUBSTITUTIONS = (('C++', 'cpp'),)\nPAGE_PATHS = ['static-pages']\n"
    )
    facts = pelican.read_site(_site(tmp_path, conf))
    assert json.loads(facts.options["article_paths"]) == ["posts"]
    subs = json.loads(facts.options["slug_regex_substitutions"])
    assert subs[0] == [r"C\+\+", "cpp"] and len(subs) == 5
    assert facts.exclude == ("/static-pages/",)


def test_detect(tmp_path: Path) -> None:
    """Pelican sites: pelicanconf.py and the content folder (PATH)."""
    assert not pelican.detect(tmp_path)
    (tmp_path / "pelicanconf.py").write_text("PATH = 'posts'\n", encoding="utf-8")
    assert not pelican.detect(tmp_path)
    (tmp_path / "posts").mkdir()
    assert pelican.detect(tmp_path)


def test_rst_posts_are_named_in_init(tmp_path: Path) -> None:
    root = _site(tmp_path, "SITENAME = 'S'\nSITEURL = 'https://s.example'\n")
    (root / "content" / "a.rst").write_text("A\n=\n", encoding="utf-8")
    facts = pelican.read_site(root)
    assert any("1 reStructuredText" in line for line in facts.found)


# Through the pipeline and the command line ---------------------------------------------------------


def test_summary_plugin_marker_through_the_pipeline(tmp_path: Path) -> None:
    """The summary plugin (PLUGINS = ['summary']): the summary ends at <!-- PELICAN_END_SUMMARY -->;
    without the plugin the marker means nothing (feedwright's own summary, which goes past it)."""
    body = "Title: T\nDate: 2020-01-01\n\nFirst part.\n\nSecond part.\n\n<!-- PELICAN_END_SUMMARY -->\n\nRest.\n"
    path = tmp_path / "content" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_text(body, encoding="utf-8")
    with_plugin = make_config(tmp_path, {"summary_separator": "<!-- PELICAN_END_SUMMARY -->"})
    results, _ = pipeline_read_site(with_plugin, NOW)
    entries = results[0].entries
    assert entries is not None and "Second part." in entries.article.summary and "Rest" not in entries.article.summary
    results, _ = pipeline_read_site(make_config(tmp_path), NOW)
    entries = results[0].entries
    assert entries is not None and "Rest." in entries.article.summary


def test_init_then_build(tmp_path: Path) -> None:
    """feedwright init on a Pelican site, then build: URLs from ARTICLE_URL, drafts and pages out."""
    root = _site(
        tmp_path,
        "SITENAME = 'Site'\nSITEURL = 'https://site.example/blog'\nTIMEZONE = 'UTC'\n"
        "ARTICLE_URL = '{date:%Y}/{slug}.html'\n",
    )
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "about.md").write_text("Title: About\n\nMe.\n", encoding="utf-8")
    (root / "content" / "2020-05-01-first.md").write_text("Title: First Post!\n\nHello.\n", encoding="utf-8")
    (root / "content" / "second.md").write_text(
        "Title: Second\nDate: 2021-02-03\nStatus: draft\n\nx\n", encoding="utf-8"
    )
    assert main(["init", str(root), "--generator", "pelican"]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml"), "-q"]) == 0
    feed = feedparser.parse((root / "feeds" / "articles" / "atom.xml").read_bytes())
    assert [e.link for e in feed.entries] == ["https://site.example/blog/2020/first-post.html"]


# The real site -----------------------------------------------------------------------------------


def _table(name: str) -> list[tuple[str, dict[str, Any]]]:
    expected = yaml.safe_load((SITES / name / "expected.yaml").read_text(encoding="utf-8"))
    return [(name, row) for row in expected["posts"]]


@pytest.mark.parametrize("site", ["pelican-jakevdp"])
def test_real_site(tmp_path: Path, site: str) -> None:
    """Pythonic Perambulations (jakevdp.github.io): every article's URL and date as the site's own
    built feed has them; its page left out."""
    expected = yaml.safe_load((SITES / site / "expected.yaml").read_text(encoding="utf-8"))
    root = tmp_path / "site"
    shutil.copytree(SITES / site / "site", root)
    assert main(["init", str(root), *expected["init_args"]]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml"), "-q"]) == 0
    feed = feedparser.parse((root / "feeds" / "articles" / "atom.xml").read_bytes())
    published = {e.link: datetime.fromisoformat(e.published) for e in feed.entries}
    included = [row for row in expected["posts"] if row["included"]]
    for row in expected["posts"]:
        if row["included"]:
            assert row["url"] in published, row["file"]
            want = row["date"] if isinstance(row["date"], datetime) else datetime.fromisoformat(str(row["date"]))
            assert published[row["url"]] == want, row["file"]
        else:
            assert row["url"] not in published, row["file"]
    assert len(feed.entries) == len(included)
