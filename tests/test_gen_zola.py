"""Zola's rules, each from its documentation (getzola.org/documentation/...) or, where the docs are
vague, from getzola/zola's source; and a real Zola site (tests/sites/zola-cs6120) built end to end."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from feedwright.cli import main
from feedwright.config import Config, config_from_mapping
from feedwright.generators import zola
from feedwright.generators.zola import Rules, slugify_path, zola_date
from feedwright.read import read_post
from feedwright.split.more import separators

from .conftest import NOW

BASE = "https://example.org/"
SITES = Path(__file__).parent / "sites"


def make_config(root: Path, options: dict[str, str] | None = None, **extra: Any) -> Config:
    data: dict[str, Any] = {
        "site": {"title": "T", "base_url": extra.pop("base_url", BASE), "timezone": extra.pop("timezone", "UTC")},
        "posts": "content",
        "generator": {"name": "zola", "language": "en", "options": options or {}},
        **extra,
    }
    return config_from_mapping(data, root=root)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def page(front: str = "", body: str = "Some text.\n") -> str:
    return f'+++\ntitle = "A post"\n{front}\n+++\n{body}'


def read(tmp_path: Path, rel: str, text: str, options: dict[str, str] | None = None, **extra: Any) -> Any:
    config = make_config(tmp_path, options, **extra)
    return read_post(write(tmp_path, rel, text), config, NOW)


def url_of(tmp_path: Path, rel: str, text: str, options: dict[str, str] | None = None, **extra: Any) -> str:
    result = read(tmp_path, rel, text, options, **extra)
    assert result.post is not None, (result.skipped, result.problems)
    permalink: str = result.post.permalink
    return permalink


# Which files are pages ----------------------------------------------------------------------


def test_section_index_is_never_a_post(tmp_path: Path) -> None:
    """content/section/: `_index.md` makes a section, not a page (also `_index.fr.md`)."""
    rules = Rules(make_config(tmp_path))
    assert rules.skip("blog/_index.md") == "a section page"
    assert rules.skip("_index.md") == "a section page"
    assert rules.skip("blog/_index.fr.md") == "a section page"
    assert rules.skip("blog/post.md") is None


def test_hidden_files_and_other_extensions_are_not_pages(tmp_path: Path) -> None:
    """content/page/: 'A page is any file ending with `.md`'; site/src/lib.rs skips hidden files."""
    rules = Rules(make_config(tmp_path))
    assert rules.extensions == (".md",)
    assert rules.skip("blog/.draft.md") is not None
    assert rules.skip("index.md") is not None  # site/src/lib.rs: content/index.md is refused


def test_section_pages_are_skipped_in_a_build(tmp_path: Path) -> None:
    """content/section/: `_index.md` is skipped silently by a build (no problem line)."""
    root = _site(tmp_path)
    write(root, "_index.md", '+++\ntitle = "Home"\n+++\n')
    write(root, "blog/_index.md", '+++\ntitle = "Blog"\nsort_by = "date"\n+++\n')
    write(root, "blog/2020-01-02-first.md", page())
    entries = _build(root)
    assert [e.link for e in entries] == ["https://example.org/blog/first/"]


# Dates ----------------------------------------------------------------------------------------


def test_date_prefix_is_the_date_and_leaves_the_slug(tmp_path: Path) -> None:
    """content/page/: `2018-10-10-hello-world.md` is dated 2018-10-10 and served at /hello-world."""
    result = read(tmp_path, "2018-10-10-hello-world.md", page())
    assert result.post.permalink == "https://example.org/hello-world/"
    assert result.post.published == datetime(2018, 10, 10, tzinfo=UTC)


def test_date_prefix_with_space_and_underscore(tmp_path: Path) -> None:
    """content/page/: `content/blog/2021-01-23 -hello new world.md` → /blog/hello-new-world; `_` works too."""
    assert url_of(tmp_path, "blog/2021-01-23 -hello new world.md", page()) == BASE + "blog/hello-new-world/"
    assert url_of(tmp_path, "blog/2021-01-23_under_score.md", page()) == BASE + "blog/under-score/"


def test_datetime_prefix(tmp_path: Path) -> None:
    """content/page/: the file name may start with an RFC 3339 datetime."""
    result = read(tmp_path, "2018-10-10T10:20:30+02:00-post.md", page())
    assert result.post.published == datetime.fromisoformat("2018-10-10T10:20:30+02:00")
    assert result.post.permalink == BASE + "post/"


def test_date_only_file_name(tmp_path: Path) -> None:
    """content/page/: 'the file `2018-10-10.md` will be available at `[base_url]/2018-10-10`'."""
    result = read(tmp_path, "2018-10-10.md", page())
    assert result.post.permalink == BASE + "2018-10-10/"
    assert result.post.published == datetime(2018, 10, 10, tzinfo=UTC)


def test_paths_keep_dates(tmp_path: Path) -> None:
    """content/page/: `slugify.paths_keep_dates = true` keeps the date in the path (still the date)."""
    result = read(tmp_path, "blog/2018-10-10-hello-world.md", page(), {"paths_keep_dates": "true"})
    assert result.post.permalink == BASE + "blog/2018-10-10-hello-world/"
    assert result.post.published == datetime(2018, 10, 10, tzinfo=UTC)


def test_front_matter_date_overrides_the_file_name(tmp_path: Path) -> None:
    """content/page/ (front matter `date`): 'Setting this overrides a date set in the filename.'"""
    result = read(tmp_path, "blog/2018-10-10-x.md", page("date = 2019-01-02T03:04:05+01:00"))
    assert result.post.published == datetime.fromisoformat("2019-01-02T03:04:05+01:00")
    assert result.post.permalink == BASE + "blog/x/"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("date = 2020-05-06", "2020-05-06T00:00:00+00:00"),
        ("date = 2020-05-06T07:08:09", "2020-05-06T07:08:09+00:00"),
        ('date = "2020-05-06T07:08:09"', "2020-05-06T07:08:09+00:00"),
        ("date = 2020-05-06T07:08:09+08:00", "2020-05-06T07:08:09+08:00"),
    ],
)
def test_date_without_offset_is_utc(tmp_path: Path, written: str, expected: str) -> None:
    """front_matter/page.rs parse_datetime: no offset means UTC ('Z' is appended), whatever
    feedwright's site.timezone says."""
    result = read(tmp_path, "blog/p.md", page(written), timezone="Asia/Shanghai")
    assert result.post.published == datetime.fromisoformat(expected)


def test_updated(tmp_path: Path) -> None:
    """content/page/: `updated`, same format as `date`."""
    result = read(tmp_path, "blog/p.md", page("date = 2020-05-06\nupdated = 2021-01-01"))
    assert result.post.updated == datetime(2021, 1, 1, tzinfo=UTC)


def test_undated_page_is_left_out(tmp_path: Path) -> None:
    """site/src/feeds.rs: Zola's feeds hold the pages that have a date; an about page is not a post."""
    result = read(tmp_path, "about.md", page())
    assert result.post is None
    assert result.skipped is not None and "no date" in result.skipped
    assert not [p for p in result.problems if p.level == "error"]


def test_date_in_path_front_matter(tmp_path: Path) -> None:
    """blog.rust-lang.org writes `path = "2025/02/20/Rust-1.85.0"` and no date; its feed template
    dates the post from the path. Zola's path keeps its case (content/page/, 'path')."""
    text = page('path = "2025/02/20/Rust-1.85.0"\nauthors = ["The Rust Release Team"]')
    result = read(tmp_path, "Rust-1.85.0.md", text, base_url="https://blog.rust-lang.org")
    assert result.post.permalink == "https://blog.rust-lang.org/2025/02/20/Rust-1.85.0/"
    assert result.post.published == datetime(2025, 2, 20, tzinfo=UTC)
    assert [a.name for a in result.post.authors] == ["The Rust Release Team"]


def test_zola_date_values() -> None:
    """front_matter/page.rs parse_datetime: RFC 3339, RFC 3339 without offset (UTC), or a date."""
    assert zola_date("2020-01-02") == datetime(2020, 1, 2, tzinfo=UTC)
    assert zola_date("2020-01-02T03:04:05Z") == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert zola_date(datetime(2020, 1, 2, 3, 4)) == datetime(2020, 1, 2, 3, 4, tzinfo=UTC)
    assert zola_date("yesterday") == "yesterday"


@given(st.dates(min_value=datetime(1000, 1, 1).date(), max_value=datetime(9999, 12, 31).date()), st.text(min_size=1))
def test_any_dated_file_name(day: Any, rest: str) -> None:
    """page.rs RFC3339_DATE: any YYYY-MM-DD then `-` and a name gives that date, and the name as slug."""
    rules = Rules(make_config(Path("/nonexistent")))
    rest = rest.replace("/", "x").replace("\n", "x").replace("\r", "x")
    rel = f"{day.isoformat()}-{rest}.md"
    assert rules.path_date(rel) == f"{day.isoformat()}T00:00:00+00:00"
    # A name the slug crate makes empty ('Ʊ' here: no deunicode table) falls back to feedwright's slug.
    assume(slugify_path(rest) != "")
    assert rules.slug({}, rel, "t") == slugify_path(rest)


# Slugs and URLs -------------------------------------------------------------------------------


def test_page_url_is_folders_and_file_name_with_trailing_slash(tmp_path: Path) -> None:
    """content/page/: `content/foo/bar/thing.md` → /foo/bar/thing/ (config.make_permalink adds '/')."""
    assert url_of(tmp_path, "foo/bar/2020-01-01-thing.md", page()) == BASE + "foo/bar/thing/"


def test_bundle_url_is_its_folder(tmp_path: Path) -> None:
    """content/overview/ (asset colocation), content/page/: `content/about/index.md` is a page at
    /about/; its date may prefix the folder (file_info.rs, page.rs)."""
    result = read(tmp_path, "blog/2019-11-13-gep/index.md", page())
    assert result.post.permalink == BASE + "blog/gep/"
    assert result.post.published == datetime(2019, 11, 13, tzinfo=UTC)


def test_bundle_image_resolves_against_the_page(tmp_path: Path) -> None:
    """content/overview/ (asset colocation): a bundle's files are served beside its index.html, so
    `[extra] image = "cover.png"` is /blog/post/cover.png; elsewhere `[extra]` paths are the site's."""
    front = 'date = 2020-01-01\n[extra]\nimage = "cover.png"'
    result = read(tmp_path, "blog/post/index.md", page(front))
    assert result.post.image == BASE + "blog/post/cover.png"
    result = read(tmp_path, "blog/flat.md", page('date = 2020-01-01\n[extra]\ncover = "/img/c.png"'))
    assert result.post.image == BASE + "img/c.png"


def test_slug_front_matter_slugified(tmp_path: Path) -> None:
    """content/page/ 'Path from frontmatter': `slug = "élevage-chèvre-carrière-alternative"` is served at
    /zines/elevage-chevre-carriere-alternative with slugify.paths "on", as written with "safe"/"off"."""
    front = 'date = 2020-01-01\nslug = "élevage-chèvre-carrière-alternative"'
    on = url_of(tmp_path, "zines/élevage-chèvre.md", page(front))
    assert on == BASE + "zines/elevage-chevre-carriere-alternative/"
    safe = url_of(tmp_path, "zines/élevage-chèvre.md", page(front), {"slugify_paths": "safe"})
    assert safe == BASE + "zines/%C3%A9levage-ch%C3%A8vre-carri%C3%A8re-alternative/"


def test_file_name_case_is_lowered_only_when_slugified(tmp_path: Path) -> None:
    """content/page/: the file name is slugified (`on`, the default) or kept (`off`)."""
    assert url_of(tmp_path, "blog/2019-09-25-RecordTypes.md", page()) == BASE + "blog/recordtypes/"
    off = url_of(tmp_path, "blog/2019-09-25-RecordTypes.md", page(), {"slugify_paths": "off"})
    assert off == BASE + "blog/RecordTypes/"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('path = "about-me"', "about-me/"),
        ('path = "/about-me"', "about-me/"),
        ('path = "docs/Intro/"', "docs/Intro/"),
    ],
)
def test_path_front_matter(tmp_path: Path, written: str, expected: str) -> None:
    """content/page/ (front matter `path`): it overrides slug, file name and sections, with or
    without its slash; not slugified (page.rs); always under base_url, with a trailing slash."""
    text = page(f'date = 2020-01-01\nslug = "ignored"\n{written}')
    assert url_of(tmp_path, "blog/x.md", text) == BASE + expected
    base = "https://example.org/sub"
    assert url_of(tmp_path, "blog/x.md", text, base_url=base) == base + "/" + expected


def test_top_level_url_is_not_zola(tmp_path: Path) -> None:
    """content/page/: Zola's front matter has `path`, not `url`/`permalink` (unknown keys are ignored)."""
    assert url_of(tmp_path, "blog/x.md", page('date = 2020-01-01\nurl = "/else/"')) == BASE + "blog/x/"


@pytest.mark.parametrize(
    ("text", "on", "safe", "off"),
    [
        ("input", "input", "input", "input"),
        ("test ", "test", "test", "test "),
        ("tes t", "tes-t", "tes t", "tes t"),
        ("dot. ", "dot", "dot", "dot. "),
        ("héhé", "hehe", "héhé", "héhé"),
        ("test (hey)", "test-hey", "test (hey)", "test (hey)"),
        ("a<b>:c", "a-b-c", "abc", "a<b>:c"),
        ("Straße Ærø", "strasse-aero", "Straße Ærø", "Straße Ærø"),
    ],
)
def test_slugify_paths(text: str, on: str, safe: str, off: str) -> None:
    """utils/src/slugs.rs can_slugify_paths (the same table, and a few more)."""
    assert (slugify_path(text, "on"), slugify_path(text, "safe"), slugify_path(text, "off")) == (on, safe, off)


@given(st.text())
def test_slugify_on_is_a_clean_slug(text: str) -> None:
    """The slug crate: lower-case ASCII letters and digits, single '-' between, none at the ends."""
    slug = slugify_path(text, "on")
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug)


@given(st.text())
def test_slugify_safe_removes_what_a_path_cannot_hold(text: str) -> None:
    slug = slugify_path(text, "safe")
    assert not set(slug) & set('<>:"/\\|?*')
    assert not slug.endswith((" ", "."))


# Front matter ---------------------------------------------------------------------------------


def test_taxonomies_are_tags_and_categories(tmp_path: Path) -> None:
    """content/taxonomies/: `[taxonomies] tags = [...]`, `categories = [...]`; a top-level `tags`
    is not Zola's (ignored)."""
    front = 'date = 2020-01-01\ntags = ["top"]\n[taxonomies]\ntags = ["rust", "web"]\ncategories = ["Code"]'
    result = read(tmp_path, "blog/x.md", page(front))
    assert result.post.tags == ("rust", "web")
    assert result.post.categories == ("Code",)


def test_other_taxonomy_can_be_mapped(tmp_path: Path) -> None:
    """content/taxonomies/: any taxonomy name; `front_matter.categories: [series]` makes feeds of it."""
    front = 'date = 2020-01-01\n[taxonomies]\nseries = ["Compilers"]'
    result = read(tmp_path, "blog/x.md", page(front), front_matter={"categories": ["series"]})
    assert result.post.categories == ("Compilers",)


def test_extra_author(tmp_path: Path) -> None:
    """content/page/: `authors = [...]`; themes keep `[extra] author` (the CS 6120 blog: extra.author)."""
    result = read(tmp_path, "blog/x.md", page('date = 2020-01-01\nextra.author = "Ada & Alan"'))
    assert [a.name for a in result.post.authors] == ["Ada & Alan"]
    result = read(tmp_path, "blog/y.md", page('date = 2020-01-01\nauthors = ["B"]\nextra.author = "A"'))
    assert [a.name for a in result.post.authors] == ["B"]


def test_description_is_the_summary(tmp_path: Path) -> None:
    """content/page/: `description`."""
    result = read(tmp_path, "blog/x.md", page('date = 2020-01-01\ndescription = "Short."'))
    assert result.post.summary == "Short."


def test_yaml_front_matter(tmp_path: Path) -> None:
    """content/page/: 'YAML front matter is also supported ... enclosed by triple minuses'."""
    text = "---\ntitle: Y\ndate: 2020-03-04\ntaxonomies:\n  tags: [a]\n---\nBody.\n"
    result = read(tmp_path, "blog/y.md", text)
    assert result.post.published == datetime(2020, 3, 4, tzinfo=UTC)
    assert result.post.tags == ("a",)


# Inclusion ------------------------------------------------------------------------------------


def test_draft_page_left_out(tmp_path: Path) -> None:
    """content/page/: 'A draft page is only loaded if the `--drafts` flag is passed'."""
    assert read(tmp_path, "blog/2020-01-01-x.md", page("draft = true")).post is None
    assert read(tmp_path, "blog/2020-01-01-x.md", page("draft = true"), include_drafts=True).post is not None


def test_draft_section_leaves_out_its_pages(tmp_path: Path) -> None:
    """content/section/ `draft`; site/src/lib.rs: 'if the section is drafted we can skip the entire dir'."""
    root = _site(tmp_path)
    write(root, "blog/_index.md", '+++\ntitle = "Blog"\n+++\n')
    write(root, "blog/wip/_index.md", '+++\ntitle = "WIP"\ndraft = true\n+++\n')
    write(root, "blog/2020-01-01-out.md", page())
    write(root, "blog/wip/2020-01-02-in-draft.md", page())
    write(root, "blog/wip/deeper/2020-01-03-also.md", page())
    assert [e.link for e in _build(root)] == [BASE + "blog/out/"]
    rules = Rules(make_config(root))
    assert rules.skip("blog/wip/deeper/2020-01-03-also.md") == "in a draft section"


def test_render_false_left_out(tmp_path: Path) -> None:
    """content/page/ `render = false`: no page is written, so no URL to link to."""
    result = read(tmp_path, "blog/2020-01-01-x.md", page("render = false"))
    assert result.post is None and result.skipped is not None and "render" in result.skipped


def test_other_languages_left_out(tmp_path: Path) -> None:
    """content/multilingual/: `an-article.fr.md` is French when `fr` is configured; feedwright
    publishes the default language only. Without `[languages]` the dot is part of the name (file_info.rs)."""
    options = {"languages": "fr,it"}
    rules = Rules(make_config(tmp_path, options))
    assert rules.skip("blog/2020-01-01-post.fr.md") is not None
    assert rules.skip("blog/post/index.it.md") is not None
    root = _site(tmp_path)
    (root / "config.toml").write_text(f'base_url = "{BASE}"\ntitle = "T"\n[languages.fr]\n', encoding="utf-8")
    write(root, "blog/2020-01-01-post.md", page())
    write(root, "blog/2020-01-01-post.fr.md", page())
    assert [e.link for e in _build(root)] == [BASE + "blog/post/"]
    assert url_of(tmp_path, "blog/2020-01-01-post.md", page(), options) == BASE + "blog/post/"
    assert url_of(tmp_path, "blog/2020-01-01-post.fr.md", page()) == BASE + "blog/post-fr/"


def test_more_marker_ends_the_summary(tmp_path: Path) -> None:
    """content/page/ 'Summary': `<!-- more -->` ends the summary."""
    config = make_config(tmp_path)
    assert "<!-- more -->" in separators({}, config)
    root = _site(tmp_path)
    write(root, "blog/2020-01-01-x.md", page(body="First part.\n\n<!-- more -->\n\nSecond part.\n"))
    (entry,) = _build(root)
    assert "First part." in entry.summary and "Second part." not in entry.summary


# The site's own config ------------------------------------------------------------------------


def test_read_site_config(tmp_path: Path) -> None:
    """getting-started/configuration/: base_url, title, description, default_language, author,
    taxonomies, [slugify], [languages], ignored_content."""
    (tmp_path / "content").mkdir()
    (tmp_path / "config.toml").write_text(
        'base_url = "https://x.org"\ntitle = "X"\ndescription = "About X"\ndefault_language = "fr"\n'
        'author = "Me"\ntaxonomies = [{name = "tags"}, {name = "series"}]\n'
        'ignored_content = ["*.{graphml,xlsx}", "temp.*"]\n'
        '[slugify]\npaths = "safe"\npaths_keep_dates = true\n'
        "[languages.en]\n[languages.de]\n",
        encoding="utf-8",
    )
    assert zola.detect(tmp_path)
    facts = zola.read_site(tmp_path)
    assert (facts.base_url, facts.title, facts.description, facts.language, facts.author) == (
        "https://x.org",
        "X",
        "About X",
        "fr",
        "Me",
    )
    assert facts.posts == "content"
    assert facts.options == {"slugify_paths": "safe", "paths_keep_dates": "true", "languages": "en,de"}
    assert facts.exclude == ("*.graphml", "*.xlsx")
    assert any("series" in line for line in facts.found)


def test_read_site_zola_toml_and_older_spellings(tmp_path: Path) -> None:
    """Zola ≥ 0.19 reads zola.toml first; older sites: `languages = [{code = ...}]`, `[extra] author`."""
    (tmp_path / "content").mkdir()
    (tmp_path / "zola.toml").write_text(
        'base_url = "https://new.org/"\nlanguages = [{code = "fr"}]\n[extra]\nauthor = "X"\n', encoding="utf-8"
    )
    (tmp_path / "config.toml").write_text('base_url = "https://old.org/"\n', encoding="utf-8")
    facts = zola.read_site(tmp_path)
    assert facts.base_url == "https://new.org/"
    assert facts.author == "X"
    assert facts.options == {"languages": "fr"}
    assert facts.title == ""  # init then asks for --title


def test_detect_refuses_hugo(tmp_path: Path) -> None:
    """Hugo's config.toml says `baseURL`; Zola's says `base_url`."""
    (tmp_path / "content").mkdir()
    (tmp_path / "config.toml").write_text('baseURL = "https://x.org/"\n', encoding="utf-8")
    assert not zola.detect(tmp_path)
    (tmp_path / "config.toml").write_text('base_url = "https://x.org/"\n', encoding="utf-8")
    assert zola.detect(tmp_path)
    shutil.rmtree(tmp_path / "content")
    assert not zola.detect(tmp_path)


def test_init_writes_the_options_back(tmp_path: Path) -> None:
    """`feedwright init` writes the site's [slugify] into feedwright.yaml, which the rules read back."""
    (tmp_path / "config.toml").write_text(
        'base_url = "https://x.org"\ntitle = "X"\n[slugify]\npaths = "off"\n', encoding="utf-8"
    )
    write(tmp_path, "blog/2020-01-01-CamelCase.md", page())
    assert main(["init", str(tmp_path), "--generator", "zola"]) == 0
    assert main(["build", "-c", str(tmp_path / "feedwright.yaml"), "-q"]) == 0
    feed = feedparser.parse(str(tmp_path / "feeds" / "articles" / "atom.xml"))
    assert [e.link for e in feed.entries] == ["https://x.org/blog/CamelCase/"]


# A real site ----------------------------------------------------------------------------------


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "config.toml").write_text(f'base_url = "{BASE}"\ntitle = "T"\n', encoding="utf-8")
    return root


def _build(root: Path) -> list[Any]:
    if not (root / "feedwright.yaml").exists():
        assert main(["init", str(root), "--generator", "zola"]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml"), "-q"]) == 0
    return list(feedparser.parse(str(root / "feeds" / "articles" / "atom.xml")).entries)


def _cases() -> list[Any]:
    out = []
    for expected in sorted(SITES.glob("zola-*/expected.yaml")):
        out.append(pytest.param(expected.parent, id=expected.parent.name))
    return out


@pytest.mark.parametrize("site", _cases())
def test_real_site(site: Path, tmp_path: Path) -> None:
    """init then build on a real Zola site: every post's link, date and inclusion as the site serves them."""
    table = yaml.safe_load((site / "expected.yaml").read_text(encoding="utf-8"))
    root = tmp_path / "site"
    shutil.copytree(site / "site", root)
    assert main(["init", str(root), *table["init_args"]]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml"), "-q"]) == 0
    entries = feedparser.parse(str(root / "feeds" / "articles" / "atom.xml")).entries
    by_link = {e.link: e for e in entries}
    included = [p for p in table["posts"] if p["included"]]
    for post in included:
        assert post["url"] in by_link, post["file"]
        published = datetime.fromisoformat(by_link[post["url"]].published)
        assert published == datetime.fromisoformat(str(post["date"])), post["file"]
    assert len(entries) == len(included)
    assert {e.link for e in entries} == {p["url"] for p in included}
