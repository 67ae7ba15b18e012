"""The rules of a site's generator: which files are posts, and each post's date, slug and URL.

SiteRules itself is plain Markdown (feedwright's own default): every `.md` file is a post, its
date is in its front matter, its URL is the front matter `permalink` or `site.permalink`. Each
generator's module (jekyll.py, hugo.py, ...) subclasses it with that generator's documented rules.
Every method is a pure function of its arguments and the config; paths are POSIX paths relative
to the posts folder, whatever the operating system.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from ..config import Config
from ..slug import slugify

# What every generator reads as Markdown.
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown")


def split_name(rel: str) -> tuple[str, str, str]:
    """`rel` → (folder, stem, extension): 'blog/a-post/index.md' → ('blog/a-post', 'index', '.md')."""
    folder, _, name = rel.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return (folder, stem, dot + ext) if stem else (folder, name, "")


def bundle_stem(rel: str) -> str:
    """The name a post goes by: its file's stem, or its folder's name for a bundle ('x/index.md' → 'x')."""
    folder, stem, _ = split_name(rel)
    if stem in ("index", "_index") and folder:
        return folder.rpartition("/")[2]
    return stem


@dataclass(frozen=True)
class PostPlace:
    """What a post's URL is made of, besides its front matter."""

    rel: str
    slug: str
    title: str
    # The publication date in the site's time zone.
    published: datetime
    categories: tuple[str, ...] = ()


class SiteRules:
    """Plain Markdown: feedwright's own rules, and the defaults every generator's rules start from."""

    name: ClassVar[str] = "plain"
    extensions: ClassVar[tuple[str, ...]] = (".md",)
    # Lines that end a post's summary (the generator's "more" marker); the first one found wins.
    summary_separators: ClassVar[tuple[str, ...]] = ("<!-- more -->", "<!--more-->")

    def __init__(self, config: Config) -> None:
        self.config = config

    def skip(self, rel: str) -> str | None:
        """Why the file at `rel` is not a post at all (a section page, a drafts folder, another
        language), or None. Skipped files are never read and make no problem line."""
        return None

    def header(self, text: str) -> tuple[dict[str, Any], str, int] | None:
        """(metadata, body, the body's first line number) for a generator whose posts open with
        metadata that is not fenced front matter (Pelican's 'Key: value' lines); None reads the
        text's front matter the usual way (`---` YAML, `+++` TOML, `{` JSON)."""
        return None

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        """The front matter in feedwright's spellings (see FrontMatterKeys); must not change `meta`."""
        return meta

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        """Why a post the generator would not publish (unpublished, expired) stays out, or None.

        Drafts (`draft: true`) and future posts are handled for every generator alike.
        """
        return None

    def path_date(self, rel: str) -> str | None:
        """The date the file's name or folders give ('2019-07-23'), for a post whose front matter has none."""
        return None

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        """The post's slug: front matter `slug`, else its file (or bundle folder) name."""
        raw = _slug_text(meta, self.config.front_matter.slug)
        return slugify(raw or bundle_stem(rel))

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        """The post's URL: an absolute URL, or a path under site.base_url.

        The front matter's own URL (`permalink`, `url`) wins; otherwise site.permalink's pattern.
        """
        written = _slug_text(meta, self.config.front_matter.permalink)
        if written:
            return written
        local = place.published
        return self.config.site.permalink.format(
            slug=place.slug, year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}"
        )


def _slug_text(meta: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


@dataclass(frozen=True)
class SiteFacts:
    """What `feedwright init` learnt from a site's own files, to write feedwright.yaml from.

    Every field left empty is one the site does not say; `found` lists, for the person running
    init, where each value came from ('base URL https://x.org/ from _config.yml (url)').
    """

    generator: str
    root: Path
    # The posts folder, relative to root ('_posts', 'content', 'source/_posts').
    posts: str
    base_url: str = ""
    title: str = ""
    description: str = ""
    language: str = ""
    timezone: str = ""
    author: str = ""
    # The generator's default permalink pattern and per-section ones, in its own syntax.
    permalink: str = ""
    permalinks: dict[str, str] = field(default_factory=dict)
    summary_separator: str = ""
    # Generator settings the rules read (documented in the generator's module).
    options: dict[str, str] = field(default_factory=dict)
    # Globs (relative to the posts folder) of files that are not posts.
    exclude: tuple[str, ...] = ()
    # Front matter keys of the site's taxonomies when they are not tags and categories.
    tags_keys: tuple[str, ...] = ()
    categories_keys: tuple[str, ...] = ()
    # The generator publishes posts dated in the future at once (Zola, Hexo, Pelican by default).
    include_future: bool = False
    found: tuple[str, ...] = ()
