"""Zola's rules: which files under `content/` are pages, and each page's date, slug and URL.

Sources: https://www.getzola.org/documentation/content/page/ (file names, dates in them, `slug`,
`path`, `<!-- more -->`), content/section/ (`_index.md`, `draft`), content/overview/ (asset
colocation: `post/index.md`), content/taxonomies/, content/multilingual/, and where the docs are
vague Zola's own source: components/content/src/page.rs (slug and path), file_info.rs (bundles,
languages), front_matter/page.rs (dates), utils/src/slugs.rs (slugify), site/src/lib.rs (which
files are read, draft sections) and site/src/feeds.rs (the feed holds dated pages only).

Generator options (generator.options, written by `feedwright init` from the site's config):
- `slugify_paths`: `on` (default), `safe` or `off`, as `[slugify] paths`;
- `paths_keep_dates`: `true` keeps a file name's date in its slug, as `[slugify] paths_keep_dates`;
- `languages`: the site's other language codes, comma-separated; their pages are left out.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..config import Config
from .base import PostPlace, SiteRules, split_name
from .zola_site import detect, read_site

__all__ = ["Rules", "detect", "read_site", "slugify_path", "zola_date"]

# page.rs RFC3339_DATE: a file (or bundle folder) name that starts with a date or an RFC 3339
# datetime, then optionally a space, `_` or `-` and the slug. Zola only requires the start to match.
_DATED_NAME = re.compile(
    r"^(?P<datetime>\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]))?)"
    r"(?:\s?[_-](?P<slug>.+)$)?"
)
# What Zola's date parser takes (front_matter/page.rs parse_datetime): RFC 3339 with or without
# an offset, or a bare date; whatever has no offset is UTC.
_ZOLA_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:\d{2})?$"
)
# A URL path holding /YYYY/MM/DD/ (`path = "2025/02/20/Rust-1.85.0"`): sites that put the date
# there (blog.rust-lang.org) show it from there; Zola itself gives such a page no date.
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})/(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])(?:/|$)")
# Characters `safe` slugification removes (utils/src/slugs.rs strip_invalid_paths_chars).
_UNSAFE = set('<>:"/\\|?*')
# Letters deunicode spells out that Unicode does not decompose into ASCII.
# `[extra]` keys themes keep a page's picture under, besides the config's image keys.
_EXTRA_IMAGE_KEYS = ("thumbnail", "banner", "og_image", "social_image", "header_image")
# Zola's `<!-- more -->` is a case-insensitive regex (<!--\s*more\s*-->); these are its usual spellings.
_MORE = ("<!-- more -->", "<!--more-->", "<!-- MORE -->", "<!--MORE-->", "<!-- More -->", "<!--More-->")


def slugify_path(text: str, strategy: str = "on") -> str:
    """utils::slugs::slugify_paths: `on` is the slug crate (ASCII, lower case, '-' between words),
    `safe` only removes what a file name cannot hold, `off` keeps the text as written."""
    if strategy == "off":
        return text
    if strategy == "safe":
        return "".join(ch for ch in text.rstrip(" .") if ch not in _UNSAFE)
    return slug_on(text)


def slug_on(text: str) -> str:
    """The `slug` crate, as Zola makes path and anchor slugs: ASCII letters and digits lower-cased,
    every other character transliterated by deunicode's tables (日本 → ri-ben, é → e, ß → ss), runs
    of anything else one `-`, none at the ends. text-unidecode carries the same Text::Unidecode
    tables; it loads only when a name outside ASCII is slugged."""
    out: list[str] = []
    dash = True  # no leading '-'
    for ch in text:
        for c in ch if ch.isascii() else (_unidecode(ch) or "-"):
            if c.isascii() and c.isalnum():
                out.append(c.lower())
                dash = False
            elif not dash:
                out.append("-")
                dash = True
    if out and out[-1] == "-":
        out.pop()
    return "".join(out)


def _unidecode(ch: str) -> str:
    from text_unidecode import unidecode  # type: ignore[import-untyped]

    result: str = unidecode(ch)
    return result


def zola_date(value: Any) -> Any:
    """A front matter date as Zola reads it: a value without an offset is UTC, whatever the
    site's time zone (front_matter/page.rs parse_datetime appends 'Z'). Other values pass through."""
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), UTC)
    if isinstance(value, str):
        m = _ZOLA_DATETIME.match(value.strip())
        if m:
            y, mo, d, hh, mi, ss, frac, zone = m.groups()
            text = f"{y}-{mo}-{d}T{hh or '00'}:{mi or '00'}:{ss or '00'}"
            if frac:
                text += "." + frac[:6].ljust(6, "0")
            try:
                parsed = datetime.fromisoformat(text + ("+00:00" if zone in (None, "Z", "z") else zone))
            except ValueError:
                return value
            return parsed
    return value


def _read_front_matter(path: Path) -> dict[str, Any]:
    """A section's `_index.md` front matter (TOML between `+++`, or YAML between `---`); {} when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    lines = text.splitlines()
    if not lines or lines[0].strip() not in ("+++", "---"):
        return {}
    fence = lines[0].strip()
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == fence)
    except StopIteration:
        return {}
    raw = "\n".join(lines[1:end])
    try:
        data = tomllib.loads(raw) if fence == "+++" else yaml.safe_load(raw)
    except (tomllib.TOMLDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


class Rules(SiteRules):
    """Zola: every `.md` under `content/` but `_index.md` sections is a page; its URL is its folders
    and slug, or its front matter `path`, always with a trailing slash."""

    name: ClassVar[str] = "zola"
    extensions: ClassVar[tuple[str, ...]] = (".md",)
    summary_separators: ClassVar[tuple[str, ...]] = _MORE

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        options = config.generator.options
        self.strategy = options.get("slugify_paths", "on").strip().lower() or "on"
        self.keep_dates = options.get("paths_keep_dates", "").strip().lower() in ("true", "yes", "on", "1")
        self.languages = tuple(c.strip() for c in options.get("languages", "").split(",") if c.strip())
        # Whether a folder under the posts folder is a draft section, read once per folder.
        self._draft_folders: dict[str, bool] = {}

    # Which files are pages -------------------------------------------------------------------

    def skip(self, rel: str) -> str | None:
        folder, stem, _ = split_name(rel)
        name = rel.rpartition("/")[2]
        if name.startswith("."):
            return "a hidden file (Zola skips it)"
        if name.startswith("_index."):
            return "a section page"
        if not folder and stem == "index":
            return "content/index.md (Zola refuses it: the home page is content/_index.md)"
        language = self._language(stem)
        if language:
            return f"a translation ({language}): only the default language is published"
        if not self.config.include_drafts:
            parts = folder.split("/") if folder else []
            for depth in range(len(parts) + 1):
                if self._draft_folder("/".join(parts[:depth])):
                    return "in a draft section"
        return None

    def _language(self, stem: str) -> str:
        """The other language a file name ('post.fr', 'index.fr') names, or ''."""
        if "." not in stem or not self.languages:
            return ""
        code = stem.split(".", 1)[1]
        return code if code in self.languages else ""

    def _draft_folder(self, folder: str) -> bool:
        """Zola skips a whole folder whose section (`_index.md`, or a translation's) says `draft = true`."""
        if folder not in self._draft_folders:
            base = self.config.posts_dir() / folder if folder else self.config.posts_dir()
            names = ["_index.md", *(f"_index.{code}.md" for code in self.languages)]
            self._draft_folders[folder] = any(
                _read_front_matter(base / n).get("draft") is True for n in names if (base / n).is_file()
            )
        return self._draft_folders[folder]

    # Front matter ----------------------------------------------------------------------------

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        keys = self.config.front_matter
        out = dict(meta)
        # Zola reads `date`, `updated`, `path`, `[taxonomies]` and `[extra]` only: the same names
        # elsewhere (a top-level `tags`, `url`, `lastmod`) are ignored by Zola, so by its feed too.
        ignored = {*keys.date, *keys.updated, *keys.tags, *keys.categories, *keys.permalink, *keys.image}
        for key in ignored - {"date", "updated", "path"}:
            out.pop(key, None)
        for field, key in ((keys.date, "date"), (keys.updated, "updated")):
            value = meta.get(key)
            if value is not None and value != "":
                out[field[0] if field else key] = zola_date(value)
        date_key = keys.date[0] if keys.date else "date"
        if out.get(date_key) in (None, ""):
            found = self.path_date(rel) or self._url_path_date(meta, rel)
            if found:
                out[date_key] = found
        taxonomies = meta.get("taxonomies")
        if isinstance(taxonomies, dict):
            for name, terms in taxonomies.items():
                if isinstance(name, str) and name not in out:
                    out[name] = terms
        extra = meta.get("extra")
        if isinstance(extra, dict):
            self._from_extra(out, extra, meta, rel)
        return out

    def _from_extra(self, out: dict[str, Any], extra: dict[str, Any], meta: dict[str, Any], rel: str) -> None:
        keys = self.config.front_matter
        image = next(
            (extra[k] for k in (*keys.image, *_EXTRA_IMAGE_KEYS) if isinstance(extra.get(k), str) and extra[k].strip()),
            None,
        )
        if image is not None:
            image = image.strip()
            if self._is_bundle(rel) and not re.match(r"^([A-Za-z][A-Za-z0-9+.-]*:|/)", image):
                # A bundle's assets are copied next to its index.html: a bare name is relative to the page.
                image = self.config.base_url + self._url_path(meta, rel).lstrip("/") + image.removeprefix("./")
            out[keys.image[0] if keys.image else "image"] = image
        if not any(out.get(k) for k in keys.authors):
            # Themes keep the author in `[extra]` (`author = "..."`) where Zola has `authors = [...]`.
            for key in ("authors", "author"):
                if extra.get(key):
                    out[keys.authors[0] if keys.authors else "authors"] = extra[key]
                    break

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        if meta.get("render") is False:
            return "render = false: Zola writes no page for it"
        dated = any(meta.get(k) not in (None, "") for k in self.config.front_matter.date)
        if not dated and self.config.date_fallback == "none":
            # feeds.rs: Zola's feeds hold dated pages only (an about page is not a post).
            return "no date: Zola's feeds list dated pages only"
        return None

    # Dates, slugs, URLs ----------------------------------------------------------------------

    def path_date(self, rel: str) -> str | None:
        m = _DATED_NAME.match(self._name_for_slug(rel))
        if m is None:
            return None
        value = zola_date(m.group("datetime"))
        return value.isoformat() if isinstance(value, datetime) else None

    def _url_path_date(self, meta: dict[str, Any], rel: str) -> str | None:
        m = _PATH_DATE.search(self._url_path(meta, rel))
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}T00:00:00+00:00" if m else None

    def _name_for_slug(self, rel: str) -> str:
        """page.rs: the file's name without `.md`, or its folder's name for `index.md`."""
        folder, stem, _ = split_name(rel)
        if stem == "index":
            return folder.rpartition("/")[2] if folder else "content"
        return stem

    @staticmethod
    def _is_bundle(rel: str) -> bool:
        """file_info.rs: `index.md` (or `index.fr.md`) in a folder is a page with its assets beside it."""
        folder, stem, _ = split_name(rel)
        return bool(folder) and stem.split(".")[0] == "index"

    def _zola_slug(self, meta: dict[str, Any], rel: str) -> str:
        own = _text(meta.get("slug"))
        if own:
            return slugify_path(own, self.strategy)
        name = self._name_for_slug(rel)
        m = _DATED_NAME.match(name)
        if m and m.group("slug") and not self.keep_dates:
            name = m.group("slug")
        return slugify_path(name, self.strategy)

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        return self._zola_slug(meta, rel) or super().slug(meta, rel, title)

    def _url_path(self, meta: dict[str, Any], rel: str) -> str:
        """page.rs: `path` as written (a leading '/' added), else the page's folders and slug; '/' at the end."""
        written = _text(meta.get("path")).strip()
        if written:
            path = written if written.startswith("/") else "/" + written
        else:
            folder = split_name(rel)[0]
            if self._is_bundle(rel):
                folder = folder.rpartition("/")[0]
            slug = self._zola_slug(meta, rel)
            path = f"/{folder}/{slug}" if folder else f"/{slug}"
        return path if path.endswith("/") else path + "/"

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        # config.make_permalink: the path always goes under base_url, even when base_url has a path.
        return self.config.base_url + self._url_path(meta, place.rel).lstrip("/")
