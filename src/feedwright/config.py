"""config.yaml → a frozen, validated Config with every default filled in."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from string import Formatter
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .model import GitDates

FORMATS = ("atom", "rss", "json")
PERMALINK_FIELDS = ("slug", "year", "month", "day")
# Whose rules say which files are posts and what their URLs are (generators/).
GENERATORS = ("plain", "jekyll", "hugo", "hexo", "zola", "pelican")
# A cron run that waits longer than this for a hub or a lock is stuck, not patient.
MAX_WAIT_SECONDS = 3600
# A feed's ttl (minutes) of more than a year says nothing a reader could use.
MAX_TTL_MINUTES = 525_600
# The Markdown engines (commonmark.py): Python-Markdown, or comrak's CommonMark with GFM.
ENGINES = ("python-markdown", "commonmark")
# What an entry's content holds: the whole post, or its summary and a link to the post.
CONTENT_MODES = ("full", "summary")
# The feed kinds content_by_kind sets the mode of, as the output folders name them.
CONTENT_KINDS = ("site", "articles", "tags", "categories", "authors")
# An <?xml-stylesheet?> for Atom and RSS: none, an XSLT page, or a CSS file.
STYLESHEETS = ("none", "xsl", "css")


class ConfigError(Exception):
    """A wrong configuration; the message names the file and the key."""


@dataclass(frozen=True)
class AuthorConfig:
    name: str = ""
    email: str = ""
    uri: str = ""


@dataclass(frozen=True)
class SiteConfig:
    title: str = ""
    base_url: str = ""
    description: str = ""
    language: str = "en"
    author: AuthorConfig = field(default_factory=AuthorConfig)
    timezone: str = "UTC"
    permalink: str = "/{slug}/"
    icon: str = ""
    # JSON Feed's favicon ('' for icon).
    favicon: str = ""
    # The folder, relative to the config file, the site serves base_url from ('' when unknown): image
    # enclosures there carry their file's size.
    static: str = ""
    # Put an entry's front matter image at the top of its content, for readers that show only content.
    image_in_content: bool = False
    # Where the output folder is served, when not at base_url (e.g. https://example.org/feeds/).
    feeds_url: str = ""
    # The address ids are made from, when it is not base_url: a site that moved keeps its old ids.
    id_base_url: str = ""


@dataclass(frozen=True)
class LimitsConfig:
    site: int = 50
    articles: int = 50
    tag: int = 20
    category: int = 20
    # Entries per author feed (feeds.authors).
    author: int = 20
    max_post_bytes: int = 5_000_000
    # Seconds one post's Markdown may take to render (0: no limit).
    render_seconds: float = 10.0
    # Tags (and categories) kept per post; each is a feed set of its own.
    tags_per_post: int = 100
    # Minutes a reader may keep a feed before fetching it again: RSS <ttl> and sy:updatePeriod (0: not said).
    ttl: int = 60
    # A feed file larger than this has entries cut to their summaries, oldest first (Google News' limit).
    max_feed_bytes: int = 2_000_000


@dataclass(frozen=True)
class FrontMatterKeys:
    """Which front matter keys mean what; the first key present wins."""

    title: tuple[str, ...] = ("title",)
    date: tuple[str, ...] = ("date", "published", "pubDate")
    updated: tuple[str, ...] = ("updated", "lastmod", "modified")
    tags: tuple[str, ...] = ("tags", "keywords")
    categories: tuple[str, ...] = ("categories", "category")
    summary: tuple[str, ...] = ("summary", "excerpt", "description")
    image: tuple[str, ...] = ("largepic", "image", "cover", "featured_image")
    permalink: tuple[str, ...] = ("permalink", "url")
    slug: tuple[str, ...] = ("slug",)
    id: tuple[str, ...] = ("id",)
    draft: tuple[str, ...] = ("draft",)
    authors: tuple[str, ...] = ("authors", "author")
    private: tuple[str, ...] = ("comments_data", "count")


@dataclass(frozen=True)
class SplitConfig:
    categories: tuple[str, ...] = ()
    heading_level: int = 3
    source_labels: tuple[str, ...] = ("消息来源", "来源", "Source", "via")
    comment_labels: tuple[str, ...] = ("老王点评",)
    followup_headings: tuple[str, ...] = ("回音", "一句话回音")


@dataclass(frozen=True)
class SanitizeConfig:
    enabled: bool = True
    iframe_hosts: tuple[str, ...] = (
        "www.youtube.com",
        "www.youtube-nocookie.com",
        "player.vimeo.com",
        "player.bilibili.com",
    )


@dataclass(frozen=True)
class WebSubConfig:
    hub: str = ""
    ping: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class MarkupConfig:
    # python-markdown (the default) or commonmark (comrak: what Hugo, Zola and Hexo sites are written for).
    engine: str = "python-markdown"


@dataclass(frozen=True)
class FeedsConfig:
    """What comes with the feed files: an optional stylesheet for browsers that open them; which
    feed sets beyond the site's, tags' and categories' are made."""

    stylesheet: str = "none"
    # A feed set per author name, under authors/SLUG/.
    authors: bool = False


@dataclass(frozen=True)
class GeneratorConfig:
    """The site generator whose rules feedwright follows, and the settings of its own config it needs."""

    name: str = "plain"
    # The generator's permalink pattern, in its own syntax ('' for the generator's default).
    permalink: str = ""
    # Per-section (Hugo, Zola) or per-kind patterns, in the generator's own syntax.
    permalinks: dict[str, str] = field(default_factory=dict)
    # The default language: variants in other languages (index.fr.md) are left out.
    language: str = ""
    # The line that ends a post's summary ('' for the generator's own).
    summary_separator: str = ""
    # Generator settings its rules read, as its config spells them (see README, per generator).
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    site: SiteConfig = field(default_factory=SiteConfig)
    posts: str = "posts"
    output: str = "feeds"
    formats: tuple[str, ...] = FORMATS
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    front_matter: FrontMatterKeys = field(default_factory=FrontMatterKeys)
    split: SplitConfig = field(default_factory=SplitConfig)
    sanitize: SanitizeConfig = field(default_factory=SanitizeConfig)
    websub: WebSubConfig = field(default_factory=WebSubConfig)
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)
    markup: MarkupConfig = field(default_factory=MarkupConfig)
    # Globs, relative to the posts folder, of files that are not posts ('drafts/**', 'README.md').
    exclude: tuple[str, ...] = ()
    # Entries' content: full or summary; per feed kind (site, articles, tags, categories) over that.
    content: str = "full"
    content_by_kind: dict[str, str] = field(default_factory=dict)
    # The text of a summary entry's link to its post ('' for the site language's own).
    read_more: str = ""
    # Posts with one of these tags or categories (any case) stay out of the site and articles feeds.
    exclude_tags: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = ()
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    archive: bool = False
    include_drafts: bool = False
    include_future: bool = False
    date_fallback: str = "none"
    lock_timeout: float = 30.0
    max_failure_ratio: float = 0.5
    root: Path = field(default=Path("."), compare=False)
    # Filled for a run by read.gitdates.with_git_dates: a fact of the posts' history, not a setting.
    git_dates: GitDates | None = field(default=None, compare=False, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    @property
    def base_url(self) -> str:
        return self.site.base_url

    @property
    def feeds_url(self) -> str:
        """The URL of the output folder: feeds' self links are under it."""
        return self.site.feeds_url or self.site.base_url

    @property
    def favicon(self) -> str:
        return self.site.favicon or self.site.icon

    def static_dir(self) -> Path | None:
        """The folder the site's files are served from, or None when the config does not say."""
        return (self.root / self.site.static).resolve() if self.site.static.strip() else None

    def posts_dir(self) -> Path:
        return (self.root / self.posts).resolve()

    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()


def _build(cls: type, data: Any, where: str, source: str) -> Any:
    """Build dataclass `cls` from a mapping, rejecting unknown keys and wrong types."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: '{where or 'top level'}' must be a mapping, got {_kind(data)}")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls) if f.name not in ("root", "git_dates")}
    for key in data:
        if key not in known:
            dotted = f"{where}.{_one_line(str(key))}" if where else _one_line(str(key))
            choices = ", ".join(sorted(known))
            raise ConfigError(f"{source}: unknown key '{dotted}' (known here: {choices})")
    values: dict[str, Any] = {}
    for name, value in data.items():
        dotted = f"{where}.{name}" if where else name
        values[name] = _coerce(hints[name], value, dotted, source)
    return cls(**values)


def _coerce(hint: Any, value: Any, dotted: str, source: str) -> Any:
    if hint is GeneratorConfig and isinstance(value, str):
        # `generator: hugo` is short for `generator: {name: hugo}`.
        value = {"name": value}
    if isinstance(hint, type) and is_dataclass(hint):
        return _build(hint, value, dotted, source)
    origin = get_origin(hint)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: '{dotted}' must be a mapping, got {_kind(value)}")
        item = get_args(hint)[1]
        return {
            _coerce(str, k, f"{dotted} (a key)", source): _coerce(item, v, f"{dotted}.{_one_line(str(k))}", source)
            for k, v in value.items()
        }
    if origin is tuple:
        item = get_args(hint)[0]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"{source}: '{dotted}' must be a list, got {_kind(value)}")
        return tuple(_coerce(item, v, f"{dotted}[{i}]", source) for i, v in enumerate(value))
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{source}: '{dotted}' must be true or false, got {_kind(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{source}: '{dotted}' must be a whole number, got {_kind(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{source}: '{dotted}' must be a number, got {_kind(value)}")
        return float(value)
    if hint is str:
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            raise ConfigError(f"{source}: '{dotted}' must be text, got {_kind(value)}")
        return str(value)
    raise ConfigError(f"{source}: '{dotted}' has a value of an unsupported type")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{_one_line(str(value), 60)}'"


def _one_line(text: str, limit: int = 80) -> str:
    """A config value or key as it may appear in the one-line error: escapes shown, long text cut."""
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _permalink_problem(pattern: str) -> str | None:
    """Why `site.permalink` cannot be filled for a post, or None; posts.py calls str.format on it."""
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        return f"is not a valid pattern: {exc}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PERMALINK_FIELDS:
            return f"has an unknown placeholder '{{{name}}}' (use {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)})"
        if spec or conversion:
            return f"has a placeholder '{{{name}}}' with a format or conversion; write it bare"
    return None


def _web_address(value: str, key: str, source: str) -> None:
    """Refuse anything but an absolute http(s) URL without query or fragment."""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an unbalanced IPv6 bracket, a port out of range
        parts, port_ok = urlsplit(""), False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or any(c.isspace() for c in value):
        raise ConfigError(f"{source}: '{key}' must be an absolute http(s) URL, got {_kind(value)}")
    if parts.query or parts.fragment:
        # Feed URLs are made by appending paths to these; a query or fragment would swallow them.
        raise ConfigError(f"{source}: '{key}' must not hold a query or fragment, got {_kind(value)}")


def _validate(config: Config, source: str) -> None:
    base = config.site.base_url
    if not base:
        raise ConfigError(f"{source}: 'site.base_url' is required (e.g. https://example.org/)")
    _web_address(base, "site.base_url", source)
    for key, value in (
        ("site.feeds_url", config.site.feeds_url),
        ("site.id_base_url", config.site.id_base_url),
        ("websub.hub", config.websub.hub),
    ):
        if value:
            _web_address(value, key, source)
    for key, value in (("site.icon", config.site.icon), ("site.favicon", config.site.favicon)):
        if value:
            # An icon may carry a query (a CDN's size parameter); only its address is checked.
            _web_address(value.split("?", 1)[0], key, source)
    if "\x00" in config.site.static:
        raise ConfigError(f"{source}: 'site.static' must name a folder, got {_kind(config.site.static)}")
    for name in (f.name for f in fields(FrontMatterKeys) if f.name != "private"):
        if not getattr(config.front_matter, name):
            raise ConfigError(f"{source}: 'front_matter.{name}' must name at least one front matter key")
    # 'not a < x <= b' also refuses NaN; infinity would make a wait never end.
    if not 0 < config.websub.timeout <= MAX_WAIT_SECONDS:
        raise ConfigError(f"{source}: 'websub.timeout' must be seconds above 0, at most {MAX_WAIT_SECONDS}")
    problem = _permalink_problem(config.site.permalink)
    if problem:
        raise ConfigError(f"{source}: 'site.permalink' {problem}")
    if not config.site.title:
        raise ConfigError(f"{source}: 'site.title' is required")
    # A folder of the zone database ('America') or an overlong name surfaces as an OSError.
    try:
        ZoneInfo(config.site.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            f"{source}: 'site.timezone' is not a known time zone: {_kind(config.site.timezone)}"
            " (use an IANA name such as Asia/Shanghai or UTC)"
        ) from None
    for fmt in config.formats:
        if fmt not in FORMATS:
            raise ConfigError(f"{source}: 'formats' has unknown format {_kind(fmt)} (use {', '.join(FORMATS)})")
    if not config.formats:
        raise ConfigError(f"{source}: 'formats' must name at least one of {', '.join(FORMATS)}")
    for name in ("site", "articles", "tag", "category", "author", "max_post_bytes", "tags_per_post", "max_feed_bytes"):
        if getattr(config.limits, name) < 1:
            raise ConfigError(f"{source}: 'limits.{name}' must be at least 1")
    if not 1 <= config.split.heading_level <= 6:
        raise ConfigError(f"{source}: 'split.heading_level' must be between 1 and 6")
    if config.generator.name not in GENERATORS:
        raise ConfigError(
            f"{source}: 'generator.name' must be one of {', '.join(GENERATORS)}, got {_kind(config.generator.name)}"
        )
    if config.markup.engine not in ENGINES:
        raise ConfigError(
            f"{source}: 'markup.engine' must be one of {', '.join(ENGINES)}, got {_kind(config.markup.engine)}"
        )
    _validate_content(config, source)
    if config.date_fallback not in ("none", "git", "mtime"):
        raise ConfigError(f"{source}: 'date_fallback' must be none, git or mtime")
    if not 0 < config.max_failure_ratio <= 1:
        raise ConfigError(f"{source}: 'max_failure_ratio' must be above 0 and at most 1")
    for name in ("posts", "output"):
        folder = getattr(config, name)
        # An empty value would mean the config's own folder; a NUL byte makes every path call raise.
        if not folder.strip() or "\x00" in folder:
            raise ConfigError(f"{source}: '{name}' must name a folder, got {_kind(folder)}")
    if not 0 <= config.limits.render_seconds <= MAX_WAIT_SECONDS:
        raise ConfigError(
            f"{source}: 'limits.render_seconds' must be a number of seconds from 0 (no limit) to {MAX_WAIT_SECONDS}"
        )
    if not 0 <= config.limits.ttl <= MAX_TTL_MINUTES:
        raise ConfigError(f"{source}: 'limits.ttl' must be minutes from 0 (not said) to {MAX_TTL_MINUTES}")
    if not 0 <= config.lock_timeout <= MAX_WAIT_SECONDS:
        raise ConfigError(f"{source}: 'lock_timeout' must be a number of seconds from 0 to {MAX_WAIT_SECONDS}")


def _validate_content(config: Config, source: str) -> None:
    if config.content not in CONTENT_MODES:
        raise ConfigError(f"{source}: 'content' must be full or summary, got {_kind(config.content)}")
    for kind, mode in config.content_by_kind.items():
        if kind not in CONTENT_KINDS:
            raise ConfigError(
                f"{source}: 'content_by_kind' has unknown kind {_kind(kind)} (use {', '.join(CONTENT_KINDS)})"
            )
        if mode not in CONTENT_MODES:
            raise ConfigError(f"{source}: 'content_by_kind.{kind}' must be full or summary, got {_kind(mode)}")
    stylesheet = config.feeds.stylesheet
    if stylesheet not in STYLESHEETS:
        choices = ", ".join(STYLESHEETS)
        raise ConfigError(f"{source}: 'feeds.stylesheet' must be one of {choices}, got {_kind(stylesheet)}")


def _normalise(config: Config) -> Config:
    site = config.site
    for name in ("base_url", "feeds_url", "id_base_url"):
        value = getattr(site, name)
        if value and not value.endswith("/"):
            site = replace(site, **{name: value + "/"})
    return replace(config, site=site)


def config_from_mapping(data: Any, source: str = "config.yaml", root: Path | None = None) -> Config:
    config: Config = _build(Config, data, "", source)
    # Validate first, so that messages quote base_url as written, not with an added '/'.
    _validate(config, source)
    config = _normalise(config)
    if root is not None:
        config = replace(config, root=root)
    return config


def load_config(path: Path) -> Config:
    """Read and validate a config file; raise ConfigError with a one-line message."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such config file (give one with -c)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read config: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{source}{line}: config is not valid YAML: {problem}") from None
    config = config_from_mapping(data, source, root=path.resolve().parent)
    check_folders(config, source)
    return config


def check_folders(config: Config, source: str) -> None:
    """Refuse an output folder where writing feeds would clobber or read back what is not feeds.

    The output holds index.html, atom.xml, and folders named tags/ and categories/: written into
    the posts folder, the config's own folder (a site's own index.html) or a system folder, they
    would overwrite files that are not feedwright's, and --prune would delete among them.
    """
    out, posts, home = config.output_dir(), config.posts_dir(), config.root.resolve()
    reason = None
    if len(out.parts) <= 2 or out == Path.home().resolve():
        reason = "is a system folder or a home folder"
    elif out == posts or out.is_relative_to(posts) or posts.is_relative_to(out):
        reason = f"overlaps the posts folder ({posts})"
    elif out == home or home.is_relative_to(out):
        reason = f"holds the config's own folder ({home})"
    if reason is not None:
        raise ConfigError(f"{source}: 'output' ({out}) {reason}; name a folder of its own, e.g. 'output: feeds'")
