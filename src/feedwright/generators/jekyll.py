"""Jekyll's rules: posts are `_posts/YYYY-MM-DD-title.ext` files; their URL is the site's permalink.

Every rule here is Jekyll's documented behaviour (https://jekyllrb.com/docs/posts/,
/docs/permalinks/, /docs/front-matter/, /docs/configuration/options/), checked against its source
where the docs are vague (lib/jekyll/document.rb, drops/url_drop.rb, url.rb, utils.rb).

Settings read back from feedwright.yaml's `generator:` section (written by `feedwright init`):
- `permalink`: the site's `permalink:` (a style name: date, pretty, ordinal, weekdate, none; or a
  pattern), or `collections.posts.permalink`; empty means Jekyll's default, `date`.
- `permalinks`: `{scope path: pattern}` from front matter defaults (`defaults:` whose values set
  `permalink` for posts); the longest scope path that holds the post wins.
- `options.markdown_ext`: the site's `markdown_ext` (default `markdown,mkdown,mkdn,mkd,md`).
- `options.collections_dir`: the site's `collections_dir`, which post paths are relative to.

The posts folder (`posts:` in feedwright.yaml) is read relative to the site's root, where
`feedwright init` writes feedwright.yaml: folders above `_posts` (`blog/_posts/`) are categories.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from ..dates import DateError, parse_date
from .base import PostPlace, SiteRules
from .jekyll_site import detect, read_site

__all__ = ["Rules", "detect", "read_site"]

# Configuration::STYLE_TO_PERMALINK (lib/jekyll/configuration.rb).
STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
# Configuration::DEFAULTS["markdown_ext"].
MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"
# Document::DATE_FILENAME_MATCHER, on the file's own name: the date, the title part, the extension.
_DATE_NAME = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$", re.DOTALL)
# URL#generate_url_from_drop: a placeholder is a colon and lower-case letters or underscores.
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# URL.escape_path leaves these alone; everything else is percent-encoded.
_PLAIN_PATH = re.compile(r"^[a-zA-Z0-9./-]+$")
# Utils::SLUGIFY_PRETTY_REGEXP keeps these besides letters, marks and decimal digits.
_PRETTY_KEEP = "._~!$&'()+,;=@"
# EntryFilter::SPECIAL_LEADING_CHAR_REGEX: files and folders Jekyll never reads.
_SPECIAL = (".", "_", "#", "~")
# Ruby's strftime names (%a, %A, %b, %B), whatever the machine's locale.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# The parts of a date Ruby's Time.parse finds in text it is lenient about ('2023-01-29 18:30:22 2023 -0800').
_LOOSE_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"(?:.*?\s([+-]\d{2}:?\d{2}|Z|UTC|GMT)\s*$)?",
    re.DOTALL,
)


def jekyll_slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Utils.slugify: runs of other characters become one '-', one leading and trailing '-' go.

    'default' keeps letters, marks and decimal digits; 'pretty' also keeps `._~!$&'()+,;=@`.
    ASCII and other letters are lower-cased unless `cased` (the `:title` placeholder keeps case).
    """
    out: list[str] = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind[0] in "LM" or kind == "Nd" or (mode == "pretty" and ch in _PRETTY_KEEP):
            out.append(ch)
        elif not out or out[-1] != "-":
            # '-' is never kept, so a '-' already there is a replaced run: runs become one '-'.
            out.append("-")
    slug = "".join(out).removeprefix("-").removesuffix("-")
    return slug if cased else slug.lower()


def titleize_slug(slug: str) -> str:
    """Utils.titleize_slug: the title Jekyll gives a post without one ('using-GDB' → 'Using Gdb')."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def escape_path(value: str) -> str:
    """URL.escape_path: percent-encode what an RFC 3986 path segment may not hold."""
    if not value or _PLAIN_PATH.match(value):
        return value
    return quote(value, safe="-._~!$&'()*+,;=:@/")


def sanitize_url(url: str) -> str:
    """URL#sanitize_url: one leading '/', no '..' or './', no runs of '/'."""
    text = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", text)


@dataclass(frozen=True)
class PostName:
    """What a post's path says: the path Jekyll knows it by, its date, title part and extension."""

    # Relative to the site's collections_dir, as Document#relative_path ('blog/_posts/2020-01-02-x.md').
    path: str
    year: int
    month: int
    day: int
    title: str
    ext: str


class Rules(SiteRules):
    """Jekyll posts: https://jekyllrb.com/docs/posts/ and https://jekyllrb.com/docs/permalinks/."""

    name: ClassVar[str] = "jekyll"
    # Every extension Jekyll's markdown_ext may name; skip() keeps only the site's own.
    extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown")
    # `<!-- more -->` means nothing to Jekyll unless the site names it (excerpt_separator). Its
    # default, "\n\n" (the first paragraph), is not given: split/more.py replaces a separator with
    # its marker, which would merge the paragraphs around it; feedwright's own summary stands in.
    summary_separators: ClassVar[tuple[str, ...]] = ()

    def _markdown_ext(self) -> tuple[str, ...]:
        listed = self.config.generator.options.get("markdown_ext") or MARKDOWN_EXT
        return tuple("." + e.strip().lstrip(".").lower() for e in listed.split(",") if e.strip())

    def _site_path(self, rel: str) -> str:
        """`rel` (relative to the posts folder) as relative to the site's collections_dir."""
        posts = self.config.posts.replace("\\", "/").rstrip("/") or "."
        if posts.startswith("/") or posts.split("/")[0] == ".." or ":" in posts.split("/")[0]:
            # A posts folder given outside the site: only a `_posts` folder itself is known.
            posts = "_posts" if posts.rpartition("/")[2] == "_posts" else "."
        full = posixpath.normpath(posixpath.join(posts, rel))
        collections = self.config.generator.options.get("collections_dir", "").strip("/")
        if collections and full.startswith(collections + "/"):
            full = full[len(collections) + 1 :]
        return full

    def _name(self, rel: str) -> PostName | str:
        """The post's name parts, or why Jekyll does not read the file as a post."""
        path = self._site_path(rel)
        parts = path.split("/")
        if "_posts" not in parts[:-1]:
            return "not in a _posts folder"
        at = parts.index("_posts")
        # Reader#read_directories never enters folders starting with '_' or '.', but the first
        # `_posts` (its own `_drafts` is never read as posts).
        if any(p.startswith(_SPECIAL) for p in parts[:at]):
            return "in a folder Jekyll does not read"
        inside = parts[at + 1 :]
        if inside[0].startswith(_SPECIAL) or inside[-1].startswith(_SPECIAL) or path.endswith("~"):
            return "a name Jekyll skips"
        match = _DATE_NAME.match(inside[-1])
        if match is None:
            return "not named YYYY-MM-DD-title"
        year, month, day, title, ext = match.groups()
        if ext.lower() not in self._markdown_ext():
            return f"{ext} is not in the site's markdown_ext"
        number = int(year)
        if len(year) == 2:
            # Ruby's Date._parse completes a two-digit year the POSIX way.
            number += 1900 if number >= 69 else 2000
        # Document#populate_title: trailing dots are not part of the slug.
        return PostName(path, number, int(month), int(day), title.rstrip("."), ext)

    def skip(self, rel: str) -> str | None:
        found = self._name(rel)
        return found if isinstance(found, str) else None

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        found = self._name(rel)
        name = found if isinstance(found, PostName) else None
        out = dict(meta)
        # `published` is Jekyll's publish switch, never a date (left_out reads `published: false`).
        if out.get("published") is not False:
            out.pop("published", None)
        # Jekyll publishes every file in _posts whatever `draft:` says; drafts are the _drafts folder.
        out.pop("draft", None)
        if "title" not in out and name is not None:
            out["title"] = titleize_slug(name.title)
        if "date" in out:
            out["date"] = self._loose_date(out["date"])
        keys = self.config.front_matter
        if keys.categories and keys.categories[0] == "categories":
            out["categories"] = self._categories(meta, name)
            out.pop("category", None)
        if keys.tags and keys.tags[0] == "tags":
            out["tags"] = _pluralized(meta, "tag", "tags")
            out.pop("tag", None)
        # jekyll-feed and jekyll-sitemap date a post's last change by `last_modified_at`.
        if "last_modified_at" in out and not any(k in out for k in keys.updated):
            out[keys.updated[0] if keys.updated else "updated"] = out["last_modified_at"]
        image = out.get("image")
        if isinstance(image, dict) and isinstance(image.get("path"), str):
            # jekyll-seo-tag's `image: {path: ..., height: ...}`.
            out["image"] = image["path"]
        return out

    def _loose_date(self, value: Any) -> Any:
        """A front matter date as Ruby's Time.parse reads it: leniently, taking the parts it finds."""
        if not isinstance(value, str):
            return value
        try:
            parse_date(value, self.config.tz)
            return value
        except DateError:
            pass
        match = _LOOSE_DATE.search(value)
        if match is None:
            return value
        year, month, day, hour, minute, second, zone = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
        if hour is not None:
            text += f"T{int(hour):02d}:{minute}:{second or '00'}"
            if zone:
                text += "+00:00" if zone in ("Z", "UTC", "GMT") else f"{zone[:3]}:{zone[-2:]}"
        return text

    def _categories(self, meta: dict[str, Any], name: PostName | None) -> list[str]:
        """Document#categories_from_path, then #populate_categories: folders above _posts first."""
        found: list[str] = []
        if name is not None and not name.path.startswith("_posts"):
            basename = name.path.rpartition("/")[2]
            above = name.path[: name.path.find("_posts")]
            found += [c for c in above.split("/") if c and c not in ("_posts", basename)]
        raw = meta.get("categories")
        if isinstance(raw, str):
            found += raw.split()
        elif isinstance(raw, list):
            found += [str(c) for c in _flat(raw) if c is not None]
        elif raw is not None:
            found.append(str(raw))
        found += _pluralized(meta, "category", "categories")
        return list(dict.fromkeys(found))

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        # Publisher#can_be_published?: only the boolean false unpublishes.
        return "published: false" if meta.get("published") is False else None

    def path_date(self, rel: str) -> str | None:
        name = self._name(rel)
        if isinstance(name, str):
            return None
        return f"{name.year:04d}-{name.month:02d}-{name.day:02d}"

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        """The `:title` placeholder: front matter `slug`, else the file name's title part, case kept."""
        return jekyll_slugify(self._slug_source(meta, rel), "pretty", cased=True)

    def _slug_source(self, meta: dict[str, Any], rel: str) -> str:
        own = meta.get("slug")
        if own is not None and not isinstance(own, (bool, dict, list)) and str(own):
            return str(own)
        name = self._name(rel)
        if isinstance(name, PostName):
            return name.title
        return rel.rpartition("/")[2].rpartition(".")[0] or rel

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        name = self._name(place.rel)
        path = name.path if isinstance(name, PostName) else self._site_path(place.rel)
        template = self._template(meta, path)
        values = self._placeholders(meta, place, path)

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            # URL#possible_keys: ':month_:day' is :month and :day, not :month_.
            for candidate in (key, key.rstrip("_")) if key.endswith("_") else (key,):
                if candidate in values:
                    return escape_path(values[candidate]) + key[len(candidate) :]
            return match.group(0)

        return sanitize_url(_PLACEHOLDER.sub(fill, template))

    def _template(self, meta: dict[str, Any], path: str) -> str:
        own = meta.get("permalink")
        if isinstance(own, str) and own.strip():
            return own.strip()
        # Front matter defaults: the most specific scope path (the longest) that holds the post.
        scoped = [
            (len(scope.strip("/")), pattern)
            for scope, pattern in self.config.generator.permalinks.items()
            if not scope.strip("/") or path == scope.strip("/") or path.startswith(scope.strip("/") + "/")
        ]
        if scoped:
            return max(scoped, key=lambda item: item[0])[1]
        style = self.config.generator.permalink.strip() or "date"
        return STYLES.get(style.lstrip(":"), style)

    def _placeholders(self, meta: dict[str, Any], place: PostPlace, path: str) -> dict[str, str]:
        """Drops::UrlDrop: every placeholder a post's permalink may use."""
        when: datetime = place.published
        source = self._slug_source(meta, place.rel)
        raw = meta.get("categories")
        categories = [str(c) for c in raw] if isinstance(raw, list) else list(place.categories)
        stem = path.rpartition("/")[2]
        stem = stem.rpartition(".")[0] if "." in stem else stem
        cleaned = path.rpartition(".")[0] if "." in path.rpartition("/")[2] else path
        cleaned = cleaned.replace("_posts", "", 1).rstrip(".")
        iso = when.isocalendar()
        return {
            "collection": "posts",
            "path": cleaned,
            "name": jekyll_slugify(stem),
            "title": jekyll_slugify(source, "pretty", cased=True),
            "slug": jekyll_slugify(source),
            "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
            "slugified_categories": "/".join(dict.fromkeys(jekyll_slugify(c) for c in categories)),
            "year": f"{when.year:04d}",
            "month": f"{when.month:02d}",
            "day": f"{when.day:02d}",
            "hour": f"{when.hour:02d}",
            "minute": f"{when.minute:02d}",
            "second": f"{when.second:02d}",
            "i_day": str(when.day),
            "i_month": str(when.month),
            "short_month": _MONTHS[when.month - 1][:3],
            "long_month": _MONTHS[when.month - 1],
            "short_year": f"{when.year % 100:02d}",
            "w_year": str(iso[0]),
            "week": f"{iso[1]:02d}",
            "w_day": str(iso[2]),
            "short_day": _DAYS[when.weekday()][:3],
            "long_day": _DAYS[when.weekday()],
            "y_day": f"{when.timetuple().tm_yday:03d}",
            # Every Markdown post becomes HTML.
            "output_ext": ".html",
        }


def _flat(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(_flat(value) if isinstance(value, list) else [value])
    return out


def _pluralized(meta: dict[str, Any], singular: str, plural: str) -> list[str]:
    """Utils.pluralized_array_from_hash: the singular key's value whole, else the plural key's,
    a string split on whitespace ('tags: a b c' is three tags)."""
    if meta.get(singular) is not None:
        value = meta[singular]
        items = _flat(value) if isinstance(value, list) else [value]
    else:
        value = meta.get(plural)
        if isinstance(value, str):
            items = value.split()
        elif isinstance(value, list):
            items = _flat(value)
        else:
            items = []
    return [str(item) for item in items if item is not None]
