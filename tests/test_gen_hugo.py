"""Hugo's rules, each from the Hugo documentation (gohugo.io) or, where it is vague, Hugo's source."""

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
from feedwright.generators import hugo
from feedwright.generators.base import PostPlace
from feedwright.generators.hugo import Rules, go_date, sanitize

SITES = Path(__file__).parent / "sites"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def config(root: Path, permalinks: dict[str, str] | None = None, **options: str) -> Config:
    data: dict[str, Any] = {
        "site": {"title": "T", "base_url": "https://example.org/"},
        "posts": "content",
        "generator": {"name": "hugo", "permalinks": permalinks or {}, "options": options},
    }
    return config_from_mapping(data, root=root)


def url_of(root: Path, rel: str, meta: dict[str, Any], permalinks: dict[str, str] | None = None, **opts: str) -> str:
    """The path the rules give a page at content/`rel` with front matter `meta`."""
    make_site(root, {f"content/{rel}": "---\ntitle: x\n---\n"})
    rules = Rules(config(root, permalinks, **opts))
    out = rules.front_matter(meta, rel)
    written = out.get("permalink")
    if written:
        return str(written)
    place = PostPlace(rel, rules.slug(out, rel, str(meta.get("title", ""))), str(meta.get("title", "")), NOW)
    return rules.permalink(out, place)


def show(root: Path, rel: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """One post through the whole pipeline (`feedwright show --json`)."""
    main(["init", str(root), "--generator", "hugo", "--force"])
    capsys.readouterr()
    assert main(["show", str(root / rel), "-c", str(root / "feedwright.yaml"), "--json"]) == 0
    entries: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return entries[0]


# -- URLs: gohugo.io/content-management/urls/ -----------------------------------------------------


def test_default_url_is_section_path_and_file_name_lower_cased(tmp_path: Path) -> None:
    """content/posts/post-1.md → /posts/post-1/ (urls/#overview); paths are lower-cased unless
    disablePathToLower (configuration/all/#disablepathtolower)."""
    assert url_of(tmp_path, "posts/My Post.md", {"title": "x"}) == "/posts/my-post/"
    assert url_of(tmp_path, "posts/My Post.md", {"title": "x"}, disablePathToLower="true") == "/posts/My-Post/"


def test_slug_replaces_the_last_segment(tmp_path: Path) -> None:
    """urls/#slug: slug = 'my-first-post' → https://example.org/posts/my-first-post/."""
    assert url_of(tmp_path, "posts/post-1.md", {"title": "My First Post", "slug": "my-first-post"}) == (
        "/posts/my-first-post/"
    )


def test_url_front_matter_is_used_as_written_and_gets_a_trailing_slash(tmp_path: Path) -> None:
    """urls/#url and #file-extensions: 'articles/my-first-article' → /articles/my-first-article/,
    'articles/my-first-article.html' as written; not lower-cased (page_paths.go: no Sanitize)."""
    assert url_of(tmp_path, "posts/post-1.md", {"url": "articles/My-First-Article"}) == "/articles/My-First-Article/"
    assert url_of(tmp_path, "posts/post-1.md", {"url": "/about"}) == "/about/"
    assert url_of(tmp_path, "posts/p.md", {"url": "articles/my-first-article.html"}) == (
        "/articles/my-first-article.html"
    )
    assert url_of(tmp_path, "posts/p.md", {"URL": "/x/", "slug": "ignored"}) == "/x/"


def test_url_front_matter_keeps_an_escaped_colon(tmp_path: Path) -> None:
    """urls/#include-a-colon: url: "my\\:example" → https://example.org/my:example/."""
    assert url_of(tmp_path, "example.md", {"url": "my\\:example"}) == "/my:example/"


def test_section_permalink_pattern(tmp_path: Path) -> None:
    """configuration/permalinks/#map-form: [permalinks.page] articles = '/blog/:year/:month/:slug/'."""
    meta = {"title": "Hello World", "date": "2024-03-05T10:00:00Z", "slug": "hello"}
    patterns = {"articles": "/blog/:year/:month/:slug/"}
    assert url_of(tmp_path, "articles/a.md", meta, patterns) == "/blog/2024/03/hello/"
    # Other sections keep the default path.
    assert url_of(tmp_path, "notes/a.md", meta, patterns) == "/notes/hello/"
    # Pages in a nested folder of the section match too (permalinks.go sectionToPathGlob).
    assert url_of(tmp_path, "articles/2024/a.md", meta, patterns) == "/blog/2024/03/hello/"


def test_slug_token_falls_back_to_the_title(tmp_path: Path) -> None:
    """_common/permalink-tokens.md: `:slug` is the slug, else the title (urlized: 'Vim (text editor)'
    → 'vim-text-editor', helpers/url.go URLize)."""
    meta = {"title": "Linkerd's commitment: open governance!", "date": "2019-10-03"}
    assert url_of(tmp_path, "blog/2019/1003-x/index.md", meta, {"blog": "/:year/:month/:day/:slug/"}) == (
        "/2019/10/03/linkerds-commitment-open-governance/"
    )
    assert url_of(
        tmp_path, "posts/v.md", {"title": "Vim (text editor)", "date": "2020-01-01"}, {"posts": "/:title/"}
    ) == ("/vim-text-editor/")


def test_filename_and_contentbasename_tokens_use_the_bundle_folder(tmp_path: Path) -> None:
    """permalink-tokens: `:filename`/`:contentbasename` is the content base name: a bundle's folder."""
    meta = {"title": "T", "date": "2021-02-03", "slug": "s"}
    patterns = {"posts": "/:section/:contentbasename/"}
    assert url_of(tmp_path, "posts/My-Bundle/index.md", meta, patterns) == "/posts/my-bundle/"
    assert url_of(tmp_path, "posts/x.md", meta, {"posts": "/:slugorfilename/"}) == "/s/"


def test_date_tokens_and_go_layouts(tmp_path: Path) -> None:
    """permalink-tokens: :monthname :weekday :yearday, and Go layouts such as `:06/:1/:2`."""
    meta = {"title": "T", "date": "2024-03-05"}
    assert url_of(tmp_path, "p/a.md", meta, {"p": "/:monthname/:weekday/:yearday/"}) == "/march/2/65/"
    assert url_of(tmp_path, "p/a.md", meta, {"p": "/:06/:1/:2/:title/"}) == "/24/3/5/t/"


def test_sections_token_slices(tmp_path: Path) -> None:
    """permalink-tokens: `:sections[1:]`, `:sections[last]`; nested sections need an _index page."""
    make_site(tmp_path, {"content/docs/guides/_index.md": "---\ntitle: g\n---\n"})
    meta = {"title": "T", "date": "2024-03-05"}
    assert url_of(tmp_path, "docs/guides/a.md", meta, {"docs": "/:sections/:slug/"}) == "/docs/guides/t/"
    assert url_of(tmp_path, "docs/guides/a.md", meta, {"docs": "/:sections[last]/:slug/"}) == "/guides/t/"
    assert url_of(tmp_path, "docs/guides/a.md", meta, {"docs": "/:sections[1:]/:slug/"}) == "/guides/t/"


def test_pattern_without_trailing_slash_still_gives_one(tmp_path: Path) -> None:
    """hugolib/page__paths.go cleans the expanded pattern, page_paths.go adds index.html: '/:slug' → '/x/'."""
    assert url_of(tmp_path, "p/a.md", {"title": "x", "date": "2020-01-01"}, {"p": "/:year/:slug"}) == "/2020/x/"


def test_ugly_urls(tmp_path: Path) -> None:
    """configuration/ugly-urls/: uglyURLs = true → /section/article.html; or per section."""
    assert url_of(tmp_path, "posts/a.md", {"title": "x"}, uglyURLs="true") == "/posts/a.html"
    assert url_of(tmp_path, "books/a.md", {"title": "x"}, uglyURLs="books") == "/books/a.html"
    assert url_of(tmp_path, "films/a.md", {"title": "x"}, uglyURLs="books") == "/films/a/"


def test_bundle_url_is_its_folder_with_a_trailing_slash(tmp_path: Path) -> None:
    """content-management/page-bundles/: a leaf bundle's page is its folder's URL."""
    assert url_of(tmp_path, "posts/My Trip/index.md", {"title": "x"}) == "/posts/my-trip/"
    assert url_of(tmp_path, "posts/trip/index.en.md", {"title": "x"}) == "/posts/trip/"


def test_default_language_in_subdir(tmp_path: Path) -> None:
    """configuration/all/#defaultcontentlanguageinsubdir; urls/#leading-slashes: a url without a
    leading slash is under the language prefix, one with a leading slash is not."""
    assert url_of(tmp_path, "posts/a.md", {"title": "x"}, languagePrefix="en") == "/en/posts/a/"
    assert url_of(tmp_path, "posts/a.md", {"url": "about"}, languagePrefix="en") == "/en/about/"
    assert url_of(tmp_path, "posts/a.md", {"url": "/about"}, languagePrefix="en") == "/about/"


@given(st.text(max_size=40))
def test_sanitize_never_keeps_spaces_or_reserved_characters(text: str) -> None:
    """common/paths/path.go Sanitize: no space, '?', '&', ':' or quote survives; idempotent."""
    out = sanitize(text)
    assert not any(c in out for c in " ?&:'\"<>") and out == out.lower()
    assert sanitize(out) == out
    assert "--" not in out or "--" in text.replace(" ", "-")


def test_go_date_layout() -> None:
    when = datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)
    assert go_date("2006-01-02", when) == "2006-01-02"
    assert go_date("Jan", datetime(2024, 3, 5, tzinfo=UTC)) == "Mar"


# -- which files are posts: gohugo.io/content-management/organization/, page-bundles/ ------------


def test_section_pages_resources_and_translations_are_skipped(tmp_path: Path) -> None:
    make_site(
        tmp_path,
        {
            "content/posts/_index.md": "",
            "content/posts/trip/index.md": "",
            "content/posts/trip/notes.md": "",
            "content/posts/trip/deep/more.md": "",
            "content/posts/hello.md": "",
            "content/posts/hello.fr.md": "",
            "content/posts/v1.2-notes.md": "",
        },
    )
    rules = Rules(config(tmp_path, languages="en,fr", defaultContentLanguage="en"))
    assert rules.skip("posts/_index.md") is not None  # organization/: a section's list page
    assert rules.skip("posts/trip/index.md") is None
    assert "resource" in (rules.skip("posts/trip/notes.md") or "")  # page-bundles/: resources
    assert "resource" in (rules.skip("posts/trip/deep/more.md") or "")
    assert rules.skip("posts/hello.md") is None
    assert "translation" in (rules.skip("posts/hello.fr.md") or "")  # multilingual/#translation-by-file-name
    assert rules.skip("posts/v1.2-notes.md") is None  # '2-notes' is no language


def test_ignore_files(tmp_path: Path) -> None:
    """configuration/all/#ignorefiles: regular expressions on the content path."""
    rules = Rules(config(tmp_path, ignoreFiles=json.dumps([r"\.draft\.md$", "^content/private/"])))
    assert rules.skip("posts/a.draft.md") is not None
    assert rules.skip("private/a.md") is not None
    assert rules.skip("posts/a.md") is None


def test_build_options_headless_and_expiry_leave_a_page_out(tmp_path: Path) -> None:
    """content-management/build-options/ (list: never/local, render: never), headless bundles,
    front-matter/#expirydate (and its alias unpublishdate)."""
    rules = Rules(config(tmp_path))
    assert rules.left_out({"build": {"list": "never"}}, NOW)
    assert rules.left_out({"_build": {"list": "local"}}, NOW)
    assert rules.left_out({"build": {"render": "never"}}, NOW)
    assert rules.left_out({"build": {"list": "always"}}, NOW) is None
    assert rules.left_out({"headless": True}, NOW)
    assert rules.left_out({"expiryDate": "2025-01-01"}, NOW)
    assert rules.left_out({"unpublishdate": "2025-01-01"}, NOW)
    assert rules.left_out({"expiryDate": "2027-01-01"}, NOW) is None


# -- dates: gohugo.io/configuration/front-matter/#dates --------------------------------------------


def test_publish_date_wins_over_date_for_the_feed(tmp_path: Path) -> None:
    """The embedded RSS template publishes .PublishDate: publishDate, pubdate, published, else date;
    URL tokens use .Date."""
    rules = Rules(config(tmp_path, permalinks=None))
    out = rules.front_matter({"title": "t", "Date": "2020-01-01", "publishDate": "2020-02-02"}, "p/a.md")
    assert out["date"] == "2020-02-02"
    out = rules.front_matter({"title": "t", "lastmod": "2021-05-05"}, "p/a.md")
    assert out["date"] == "2021-05-05" and out["updated"] == "2021-05-05"


def test_filename_date_and_slug(tmp_path: Path) -> None:
    """front-matter/#tokens `:filename`: 2025-02-01-article.md → date 2025-02-01, slug 'article'."""
    rules = Rules(config(tmp_path, date=":filename,date", publishDate=":filename,publishdate,date"))
    out = rules.front_matter({"title": "t"}, "posts/2025-02-01-article.md")
    assert out["date"] == "2025-02-01" and out["slug"] == "article" and out["permalink"] == "/posts/article/"
    # A front matter slug is kept.
    out = rules.front_matter({"title": "t", "slug": "mine"}, "posts/2025-02-01-article.md")
    assert out["slug"] == "mine"
    # `:filename` only sets the slug when it gives the date.
    rules = Rules(config(tmp_path, date="date,:filename"))
    out = rules.front_matter({"title": "t", "date": "2024-01-01"}, "posts/2025-02-01-article.md")
    assert "slug" not in out


def test_file_mod_time_date(tmp_path: Path) -> None:
    """front-matter/#tokens `:fileModTime`."""
    make_site(tmp_path, {"content/p/a.md": "x"})
    rules = Rules(config(tmp_path, date=":fileModTime", publishDate="date"))
    out = rules.front_matter({"title": "t"}, "p/a.md")
    assert isinstance(out["date"], datetime)


# -- front matter spellings ------------------------------------------------------------------------


def test_taxonomies_keys_and_no_description_summary(tmp_path: Path) -> None:
    """taxonomies/#configure-taxonomies: the plural name is the front matter key; `keywords` is no
    taxonomy; the RSS template's .Summary is front matter `summary`, never `description`."""
    rules = Rules(config(tmp_path, tags="labels", categories=""))
    out = rules.front_matter(
        {"title": "t", "Labels": ["a"], "categories": ["c"], "keywords": ["k"], "description": "d"}, "p/a.md"
    )
    assert out["tags"] == ["a"] and "categories" not in out and "summary" not in out and "keywords" not in out


def test_images_first_one_resolves_against_the_bundle(tmp_path: Path) -> None:
    """opengraph/twitter templates (_funcs/get-page-images.html): the first of `images`; a bundle's
    image is its page resource, so under the page's own URL; elsewhere absURL (site root)."""
    make_site(tmp_path, {"content/posts/trip/index.md": "", "content/posts/trip/Cover.JPG": ""})
    rules = Rules(config(tmp_path))
    out = rules.front_matter({"title": "t", "images": ["social.jpg", "b.jpg"], "url": "/t"}, "posts/trip/index.md")
    assert out[rules.config.front_matter.image[0]] == "/t/social.jpg"
    out = rules.front_matter({"title": "t"}, "posts/trip/index.md")
    assert out[rules.config.front_matter.image[0]] == "/posts/trip/Cover.JPG"  # *cover* resource when `images` is empty
    out = rules.front_matter({"title": "t", "images": ["img/x.png"]}, "posts/a.md")
    assert out[rules.config.front_matter.image[0]] == "/img/x.png"


def test_bundle_image_through_the_pipeline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(
        tmp_path,
        {
            "hugo.toml": "baseURL = 'https://example.org/'\ntitle = 'S'\n",
            "content/posts/trip/index.md": "+++\ntitle = 'Trip'\ndate = 2024-01-02\nurl = '/my-trip'\n"
            "images = ['featured.png']\n+++\nHello <!--more--> world\n",
        },
    )
    entry = show(tmp_path, "content/posts/trip/index.md", capsys)
    assert entry["link"] == "https://example.org/my-trip/"
    assert entry["image"] == "https://example.org/my-trip/featured.png"
    assert entry["summary"] == "Hello"


# -- the site's config: gohugo.io/configuration/ ---------------------------------------------------


def test_detect_tells_hugo_from_zola(tmp_path: Path) -> None:
    """Hugo: hugo.toml, or config.* with content/, or config/_default/; Zola's config.toml has base_url."""
    zola = make_site(tmp_path / "z", {"config.toml": "base_url = 'https://x.org'\n", "content/a.md": ""})
    old = make_site(tmp_path / "h", {"config.toml": "baseURL = 'https://x.org'\n", "content/a.md": ""})
    split = make_site(tmp_path / "d", {"config/_default/hugo.yaml": "title: x\n"})
    new = make_site(tmp_path / "n", {"hugo.yaml": "title: x\n"})
    bare = make_site(tmp_path / "b", {"config.toml": "title = 'x'\n"})
    assert not hugo.detect(zola) and hugo.detect(old) and hugo.detect(split) and hugo.detect(new)
    assert not hugo.detect(bare)


def test_read_site_merges_the_config_directory(tmp_path: Path) -> None:
    """configuration/introduction/#configuration-directory: config/_default/params.toml is under
    `params`, languages.toml under `languages`; config/production/ overrides for `hugo` builds."""
    make_site(
        tmp_path,
        {
            "config/_default/hugo.toml": "baseURL = '/'\ntitle = 'Mine'\ntimeZone = 'Europe/Paris'\n"
            "defaultContentLanguage = 'fr'\n[frontmatter]\ndate = [':filename', ':default']\n",
            "config/_default/params.toml": "description = 'About things'\n[author]\nname = 'Ann'\n",
            "config/_default/languages.toml": "[fr]\ncontentDir = 'content/fr'\nlanguageCode = 'fr-FR'\n"
            "[en]\ncontentDir = 'content/en'\n",
            "config/_default/permalinks.toml": "[page]\nposts = '/:year/:slug/'\n",
            "config/_default/taxonomies.toml": "tag = 'tags'\nseries = 'series'\n",
            "config/production/hugo.toml": "baseURL = 'https://mine.example/'\n",
        },
    )
    facts = hugo.read_site(tmp_path)
    assert facts.base_url == "https://mine.example/" and facts.title == "Mine"
    assert facts.timezone == "Europe/Paris" and facts.language == "fr-FR" and facts.author == "Ann"
    assert facts.description == "About things" and facts.posts == "content/fr"
    assert facts.permalinks == {"posts": "/:year/:slug/"}
    assert facts.options["tags"] == "tags" and facts.options["categories"] == ""
    assert facts.options["date"].split(",")[:3] == [":filename", "date", "publishdate"]
    assert facts.options["defaultContentLanguage"] == "fr"


def test_init_asks_for_the_base_url_when_the_site_has_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"hugo.toml": "title = 'x'\n", "content/a.md": ""})
    assert main(["init", str(tmp_path), "--generator", "hugo"]) == 2
    assert "--base-url" in capsys.readouterr().err
    assert main(["init", str(tmp_path), "--generator", "hugo", "--base-url", "https://x.org/"]) == 0


# -- the real site ---------------------------------------------------------------------------------


def _table(site: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = yaml.safe_load((SITES / site / "expected.yaml").read_text(encoding="utf-8"))
    return data, data["posts"]


@pytest.mark.parametrize("site", sorted(p.name for p in SITES.glob("hugo-*")))
def test_real_site(site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, posts = _table(site)
    root = tmp_path / "site"
    shutil.copytree(SITES / site / "site", root)
    assert main(["init", str(root), *data["init_args"]]) == 0
    assert main(["build", "-c", str(root / "feedwright.yaml")]) == 0
    capsys.readouterr()
    feed = feedparser.parse((root / "feeds" / "articles" / "atom.xml").read_bytes())
    links = {e.link: e for e in feed.entries}
    included = [p for p in posts if p["included"]]
    assert len(feed.entries) == len(included)
    for post in posts:
        if not post["included"]:
            assert post["url"] not in links, post["file"]
            continue
        assert post["url"] in links, post["file"]
        published = datetime.fromisoformat(links[post["url"]].published)
        expected = post["date"] if isinstance(post["date"], datetime) else datetime.fromisoformat(str(post["date"]))
        assert published == expected, post["file"]
