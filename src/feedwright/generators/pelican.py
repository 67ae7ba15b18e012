"""Pelican's rules: which files are articles, and each article's metadata, date, slug and URL.

Pelican (https://docs.getpelican.com/) reads Markdown articles whose metadata are `Key: value`
lines at the top of the file (Python-Markdown's meta extension), not fenced front matter. The
settings the rules need come from the site's pelicanconf.py/publishconf.py through `feedwright
init` (pelican_site.py), as generator.permalink (ARTICLE_URL), generator.language (DEFAULT_LANG),
generator.summary_separator (the summary plugin's end marker) and generator.options, spelt as
the settings are, in lower case:

  slugify_source                 SLUGIFY_SOURCE: 'title' (Pelican's default) or 'basename'
  slug_regex_substitutions       SLUG_REGEX_SUBSTITUTIONS, a JSON list of [pattern, replacement]
  category_regex_substitutions   CATEGORY_REGEX_SUBSTITUTIONS (default: the slug's)
  author_regex_substitutions     AUTHOR_REGEX_SUBSTITUTIONS (default: the slug's)
  slugify_preserve_case          SLUGIFY_PRESERVE_CASE: 'true' or 'false'
  slugify_use_unicode            SLUGIFY_USE_UNICODE: 'true' or 'false'
  filename_metadata              FILENAME_METADATA, a regular expression ('' for none)
  path_metadata                  PATH_METADATA, a regular expression
  use_folder_as_category         USE_FOLDER_AS_CATEGORY: 'true' or 'false'
  default_category               DEFAULT_CATEGORY
  default_date                   DEFAULT_DATE: 'fs' or a date
  default_metadata               DEFAULT_METADATA, a JSON object
  article_paths                  ARTICLE_PATHS, a JSON list of folders under PATH
  ignore_files                   IGNORE_FILES, a JSON list of fnmatch patterns
  author                         AUTHOR, for {author} in ARTICLE_URL
"""

from __future__ import annotations

import contextlib
import fnmatch
import html
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import Config
from ..dates import DateError, parse_date
from .base import PostPlace, SiteFacts, SiteRules, split_name

# Pelican's defaults (pelican/settings.py DEFAULT_CONFIG).
DEFAULT_ARTICLE_URL = "{slug}.html"
DEFAULT_FILENAME_METADATA = r"(?P<date>\d{4}-\d{2}-\d{2}).*"
DEFAULT_SLUG_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
)
DEFAULT_IGNORE_FILES = ("**/.*",)
# MarkdownReader.file_extensions; reStructuredText (.rst) and HTML articles are not read.
PELICAN_MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")

# Python-Markdown's meta extension (markdown/extensions/meta.py), which Pelican's MarkdownReader uses.
_META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")
# Keys Pelican reads once, the first definition winning (readers.py DUPLICATES_DEFINITIONS_ALLOWED).
_SINGLE = frozenset({"tags", "date", "modified", "status", "category", "author", "save_as", "url", "authors", "slug"})
# Keys whose lines are joined as one Markdown text (FORMATTED_FIELDS).
_FORMATTED = frozenset({"summary"})
_STATUSES = ("published", "hidden", "draft", "skip")

# What unidecode (which Pelican's slugify uses to ASCII-fy) gives for common non-ASCII letters and
# punctuation that NFKD does not decompose; letters with accents lose them through NFKD.
_ASCII = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
    "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "ı": "i", "ħ": "h", "Ħ": "H",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "--", "―": "--", "‘": "'", "’": "'", "‚": ",",
    "“": '"', "”": '"', "„": ",,", "…": "...", "«": "<<", "»": ">>", "×": "x", "·": ".",
}  # fmt: skip


def slugify(
    value: str, subs: tuple[tuple[str, str], ...], preserve_case: bool = False, use_unicode: bool = False
) -> str:
    """Pelican's slugify (pelican/utils.py): tags stripped, NFKC, ASCII-fied unless use_unicode,
    the regex substitutions applied in order (case-insensitively), lower-cased unless preserve_case."""
    text = html.unescape(re.sub(r"<!--.*?-->|<[^>]*>", "", value))
    text = " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    if not use_unicode:
        text = _asciify(text)
    for src, dst in subs:
        try:
            text = re.sub(unicodedata.normalize("NFKC", src), unicodedata.normalize("NFKC", dst), text, flags=re.I)
        except (re.error, IndexError):
            # A pattern Python cannot compile would stop Pelican too; here it is skipped.
            continue
    if not preserve_case:
        text = text.lower()
    return text.strip()


def _asciify(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif ch in _ASCII:
            out.append(_ASCII[ch])
        else:
            # Accented Latin letters keep their base letter; other scripts (which unidecode
            # transliterates, e.g. Chinese to pinyin) are dropped: such sites need `Slug:`.
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
            out.append(base if base else (" " if ch.isspace() else ""))
    return "".join(out)


def metadata_list(value: Any) -> list[str]:
    """Pelican's ensure_metadata_list: a list stays one; text splits on ';' when it has one, else on ','."""
    if isinstance(value, str):
        value = value.split(";") if ";" in value else value.split(",")
    if not isinstance(value, (list, tuple)):
        return [] if value is None else [str(value)]
    out: list[str] = []
    for item in value:
        if isinstance(item, str):
            name = item.strip()
        elif item is None or isinstance(item, bool):
            continue
        else:
            name = str(item).strip()
        if name and name not in out:
            out.append(name)
    return out


def read_header(text: str) -> tuple[dict[str, Any], str, int]:
    """`Key: value` lines (Python-Markdown's meta extension) → (metadata, body, the body's first line).

    Keys are lower-cased; a line indented four spaces or more continues the previous key; a
    blank line, or a line that is neither, ends the metadata. Values are as Pelican's
    MarkdownReader keeps them: the first for keys read once, the lines joined for Summary, a
    list for other keys given more than once.
    """
    lines = text.split("\n")
    found: dict[str, list[str]] = {}
    key = ""
    at = 0
    while at < len(lines):
        line = lines[at].rstrip("\r").expandtabs(4)
        if not line.strip() or _END_RE.match(line):
            at += 1
            break
        match = _META_RE.match(line)
        if match:
            key = match.group("key").lower().strip()
            found.setdefault(key, []).append(match.group("value").strip())
        else:
            more = _META_MORE_RE.match(line)
            if not (more and key):
                break
            found[key].append(more.group("value").strip())
        at += 1
    meta: dict[str, Any] = {}
    for name, values in found.items():
        if name in _FORMATTED:
            meta[name] = "\n".join(values)
        elif name in _SINGLE or len(values) == 1:
            meta[name] = values[0]
        else:
            meta[name] = values
    return meta, "\n".join(lines[at:]), at + 1


def _flag(value: str, default: bool) -> bool:
    if not value:
        return default
    return value.strip().lower() in ("true", "1", "yes", "on")


def _json(value: str, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _pairs(raw: Any, default: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        return default
    pairs = [(str(p[0]), str(p[1])) for p in raw if isinstance(p, (list, tuple)) and len(p) == 2]
    return tuple(pairs)


def _pattern(raw: str) -> re.Pattern[str] | None:
    try:
        return re.compile(raw) if raw else None
    except re.error:
        return None


class Rules(SiteRules):
    """Pelican's documented rules (https://docs.getpelican.com/en/latest/content.html, settings.html)."""

    name: ClassVar[str] = "pelican"
    extensions: ClassVar[tuple[str, ...]] = PELICAN_MARKDOWN
    # Pelican has no "more" marker of its own (its summary is the Summary metadata or the first
    # SUMMARY_MAX_LENGTH words); the summary plugin's marker comes in as generator.summary_separator.
    summary_separators: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        options = config.generator.options
        self.article_url = config.generator.permalink or DEFAULT_ARTICLE_URL
        self.language = (config.generator.language or "").lower()
        self.slug_source = (options.get("slugify_source") or "title").strip().lower()
        self.slug_subs = _pairs(_json(options.get("slug_regex_substitutions", ""), None), DEFAULT_SLUG_SUBSTITUTIONS)
        self.category_subs = _pairs(_json(options.get("category_regex_substitutions", ""), None), self.slug_subs)
        self.author_subs = _pairs(_json(options.get("author_regex_substitutions", ""), None), self.slug_subs)
        self.preserve_case = _flag(options.get("slugify_preserve_case", ""), False)
        self.use_unicode = _flag(options.get("slugify_use_unicode", ""), False)
        self.filename_re = _pattern(options.get("filename_metadata", DEFAULT_FILENAME_METADATA))
        self.path_re = _pattern(options.get("path_metadata", ""))
        self.folder_category = _flag(options.get("use_folder_as_category", ""), True)
        self.default_category = options.get("default_category", "misc")
        self.default_date = options.get("default_date", "").strip()
        defaults = _json(options.get("default_metadata", ""), {})
        self.default_metadata = {str(k).lower(): v for k, v in defaults.items()} if isinstance(defaults, dict) else {}
        paths = _json(options.get("article_paths", ""), [""])
        self.article_paths = tuple(str(p).strip("/") for p in paths) if isinstance(paths, list) else ("",)
        ignores = _json(options.get("ignore_files", ""), list(DEFAULT_IGNORE_FILES))
        self.ignore_files = tuple(str(p) for p in ignores) if isinstance(ignores, list) else DEFAULT_IGNORE_FILES
        self.site_author = options.get("author", "") or config.site.author.name

    # Which files are articles ---------------------------------------------------------------

    def skip(self, rel: str) -> str | None:
        """Files outside ARTICLE_PATHS, and hidden or IGNORE_FILES files and folders, are not articles.
        (ARTICLE_EXCLUDES and PAGE_PATHS are `exclude:` globs in feedwright.yaml.)"""
        parts = rel.split("/")
        for part in parts:
            # The default '**/.*' means every hidden file and folder (Pelican's changelog, 4.9).
            if part.startswith("."):
                return "hidden"
            if any(fnmatch.fnmatch(part, p) or fnmatch.fnmatch(part, p.removeprefix("**/")) for p in self.ignore_files):
                return "IGNORE_FILES"
        if "" in self.article_paths or "." in self.article_paths:
            return None
        if not any(rel == p or rel.startswith(p + "/") for p in self.article_paths):
            return "not under ARTICLE_PATHS"
        return None

    # Metadata ---------------------------------------------------------------------------------

    def header(self, text: str) -> tuple[dict[str, Any], str, int] | None:
        # A file opening with '---' is fenced front matter (the yaml_metadata plugin's): read as YAML.
        if text.lstrip("\ufeff").startswith("---"):
            return None
        return read_header(text.lstrip("\ufeff"))

    def _path_metadata(self, rel: str) -> dict[str, str]:
        """readers.parse_path_metadata: FILENAME_METADATA on the file's name without its extension,
        PATH_METADATA on its path, then its folder as the category; the first value of a key wins."""
        folder, stem, _ = split_name(rel)
        found: dict[str, str] = {}
        checks: list[tuple[re.Pattern[str] | None, str]] = [(self.filename_re, stem), (self.path_re, rel)]
        if self.folder_category:
            checks.append((re.compile(r"(?P<category>.*)"), folder.rpartition("/")[2]))
        for pattern, data in checks:
            if pattern is None or not data:
                continue
            match = pattern.match(data)
            if not match:
                continue
            for key, value in match.groupdict().items():
                key = key.lower()
                if value is not None and key not in found:
                    found[key] = value.replace("_", " ") if key == "date" else value.strip()
        return found

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        """Pelican's metadata in feedwright's spellings: DEFAULT_METADATA, then what the path
        says, then the file's own lines (each over the one before, as readers.read_file does)."""
        own = {str(k).lower(): v for k, v in meta.items()}
        merged: dict[str, Any] = dict(self.default_metadata)
        for key, value in self._path_metadata(rel).items():
            if key != "date":
                merged[key] = value
        merged.update(own)
        out: dict[str, Any] = {}
        for key, value in merged.items():
            if key in ("excerpt", "description", "modified", "category", "author", "authors", "tags", "slug"):
                continue
            out[key] = value
        if isinstance(merged.get("date"), str):
            out["date"] = self._date(merged["date"].replace("_", " "), merged.get("timezone"))
        if merged.get("modified") not in (None, ""):
            modified = merged["modified"]
            out["updated"] = self._date(modified, merged.get("timezone")) if isinstance(modified, str) else modified
        tags = metadata_list(merged.get("tags"))
        if tags:
            out["tags"] = tags
        category = merged.get("category")
        category = category.strip() if isinstance(category, str) else ""
        out["categories"] = [category or self.default_category] if (category or self.default_category) else []
        authors = metadata_list(merged.get("authors")) or metadata_list(merged.get("author"))
        if authors:
            out["authors"] = authors
        slug = merged.get("slug")
        if isinstance(slug, (str, int)) and not isinstance(slug, bool) and str(slug).strip():
            out["slug"] = str(slug).strip()
        return out

    def _date(self, value: str, zone: Any) -> Any:
        """A date without an offset is in the article's own Timezone metadata, else TIMEZONE."""
        tz = self.config.tz
        if isinstance(zone, str) and zone.strip():
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                tz = ZoneInfo(zone.strip())
        try:
            return parse_date(value, tz)
        except DateError:
            # Left as written: the date check reports it with the line to fix.
            return value

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        """Status draft, hidden and skip articles are not in Pelican's feeds (content.html#publishing-drafts);
        other languages than DEFAULT_LANG are translations (only the default language is published here)."""
        status = meta.get("status")
        status = status.strip().lower() if isinstance(status, str) else ""
        if status and status != "published":
            return f"Status: {status}" if status in _STATUSES else f"unknown Status '{status}'"
        lang = meta.get("lang")
        if isinstance(lang, str) and lang.strip() and self.language and lang.strip().lower() != self.language:
            return f"Lang: {lang.strip()} (only {self.language} is published)"
        return None

    def path_date(self, rel: str) -> str | None:
        """The date FILENAME_METADATA or PATH_METADATA give, else DEFAULT_DATE ('fs': the file's time)."""
        found = self._path_metadata(rel).get("date")
        if found:
            return found
        if self.default_date == "fs":
            try:
                stamp = (self.config.posts_dir() / rel).stat().st_mtime
            except OSError:
                return None
            return datetime.fromtimestamp(stamp, UTC).astimezone(self.config.tz).isoformat()
        return self.default_date or None

    # Slug and URL -----------------------------------------------------------------------------

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        """`Slug:` (or a slug FILENAME_METADATA/PATH_METADATA capture) as written; else Pelican's
        slugify of the title (SLUGIFY_SOURCE 'title') or of the file's name ('basename')."""
        written = meta.get("slug")
        if isinstance(written, str) and written:
            return written
        _, stem, _ = split_name(rel)
        source = stem if self.slug_source == "basename" else title
        made = slugify(source, self.slug_subs, self.preserve_case, self.use_unicode)
        if not made and source is title:
            # A title in a script the ASCII-fying cannot spell (unidecode would): the file's name.
            made = slugify(stem, self.slug_subs, self.preserve_case, self.use_unicode)
        return made

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        """`URL:` metadata (relative to SITEURL), else ARTICLE_URL formatted as Content.url_format
        does: the metadata, {slug}, {date} (a datetime: {date:%Y}), {lang}, {author} and {category}
        (slugified), {path}."""
        written = meta.get("url")
        if isinstance(written, str) and written.strip():
            url = written.strip()
            return url if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) else "/" + url.lstrip("/")
        date = meta.get("date")
        if not isinstance(date, datetime):
            date = place.published
        authors = meta.get("authors") or ([self.site_author] if self.site_author else [])
        author = slugify(str(authors[0]), self.author_subs, self.preserve_case, self.use_unicode) if authors else ""
        category = place.categories[0] if place.categories else ""
        values: dict[str, Any] = {k: v for k, v in meta.items() if isinstance(k, str) and isinstance(v, str)}
        values.update(
            path=place.rel,
            slug=place.slug,
            lang=(meta.get("lang") or self.language or "en"),
            date=date,
            author=author,
            category=slugify(category, self.category_subs, self.preserve_case, self.use_unicode) if category else "",
        )
        try:
            url = self.article_url.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            # A placeholder this article has no value for: Pelican would stop; fall back to its default.
            url = DEFAULT_ARTICLE_URL.format(slug=place.slug)
        return "/" + url.lstrip("/")


def detect(root: Path) -> bool:
    """pelicanconf.py beside a content folder (pelican_site.py reads the site's settings)."""
    from .pelican_site import detect_site

    return detect_site(root)


def read_site(root: Path) -> SiteFacts:
    from .pelican_site import read_pelican_site

    return read_pelican_site(root)
