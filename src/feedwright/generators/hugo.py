"""Hugo's rules: which content files are regular pages, and their dates, slugs and URLs.

Each rule follows Hugo's documentation (gohugo.io) and, where it is vague, Hugo's source
(resources/page/permalinks.go, resources/page/page_paths.go, hugolib/page__paths.go,
resources/page/pagemeta/page_frontmatter.go, common/paths/path.go).

Settings the rules read from `generator.options` (written by `feedwright init` from the site's config):
`disablePathToLower`, `removePathAccents` ("true"/"false"); `uglyURLs` ("true", or the sections
with ugly URLs, comma-separated); `tags`, `categories` (the plural front matter keys of the site's
`tag` and `category` taxonomies, '' when the site has none); `date`, `publishDate`, `lastmod`,
`expiryDate` (the `[frontmatter]` date sources, comma-separated, `:default` expanded);
`defaultContentLanguage`, `languages` (every language code of the site); `languagePrefix` (the default language's URL
prefix when `defaultContentLanguageInSubdir` is set); `ignoreFiles` (a JSON list of regexes).
`generator.permalinks` maps a section ('/' for the root) to its page pattern.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import unquote

from ..dates import DateError, parse_date
from .base import MARKDOWN_EXTENSIONS, PostPlace, SiteRules, split_name
from .hugo_site import detect, read_site

__all__ = ["Rules", "detect", "read_site"]

# resources/page/pagemeta/page_frontmatter.go: newDefaultFrontmatterConfig and dateFieldAliases.
DEFAULT_DATES: dict[str, tuple[str, ...]] = {
    "date": ("date", "publishdate", "pubdate", "published", "lastmod", "modified"),
    "publishDate": ("publishdate", "pubdate", "published", "date"),
    "lastmod": (":git", "lastmod", "modified", "date", "publishdate", "pubdate", "published"),
    "expiryDate": ("expirydate", "unpublishdate"),
}
# What Hugo reads as a leaf bundle's index: index.md, index.en.md, index.html ... (any content format).
_INDEX = re.compile(r"^index(\.[A-Za-z0-9_-]+)?\.(md|markdown|mdown|html|htm|org|adoc|ad|asciidoc|pandoc|pdc|rst)$")
_SECTION_INDEX = re.compile(r"^_index(\.[A-Za-z0-9_-]+)?\.[A-Za-z]+$")
# Hugo's `:filename` date: YYYY-MM-DD, or YYYY-MM-DD-HH-MM-SS with any separators in the time.
_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:.(\d{2}).(\d{2}).(\d{2}))?")
_TOKEN = re.compile(r":\w+(\[.+?\])?")
_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp", ".tif", ".tiff")


def sanitize(text: str, lower: bool = True, remove_accents: bool = False) -> str:
    """Hugo's MakePathSanitized (common/paths/path.go Sanitize, helpers/path.go): letters, digits,
    marks and `._-/\\#+~@` stay, spaces become one '-', everything else goes; then lower-cased."""
    out: list[str] = []
    prepend = was_hyphen = False
    for i, ch in enumerate(text):
        allowed = ch != " " and (
            ch.isalpha()
            or unicodedata.category(ch) == "Nd"
            or ch in "./\\_#+~-@"
            or unicodedata.category(ch).startswith("M")
            or (ch == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[i + 1 : i + 3]) is not None)
        )
        if allowed:
            was_hyphen = ch == "-"
            if prepend:
                if not was_hyphen:
                    out.append("-")
                prepend = False
            out.append(ch)
        elif out and not was_hyphen and ch.isspace():
            prepend = True
    result = "".join(out)
    if remove_accents:
        decomposed = unicodedata.normalize("NFD", result)
        result = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    return result.lower() if lower else result


def go_date(layout: str, when: datetime) -> str:
    """A Go time layout ('2006', '01', 'Jan', ...) applied to `when`: Hugo's permalink date tokens
    accept them (`:06/:1/:2`); the common components are handled."""
    parts = {
        "2006": f"{when.year:04d}", "January": when.strftime("%B"), "Monday": when.strftime("%A"),
        "002": f"{when.timetuple().tm_yday:03d}", "Jan": when.strftime("%b"), "Mon": when.strftime("%a"),
        "06": f"{when.year % 100:02d}", "01": f"{when.month:02d}", "02": f"{when.day:02d}",
        "_2": f"{when.day:2d}", "15": f"{when.hour:02d}", "03": f"{(when.hour % 12) or 12:02d}",
        "04": f"{when.minute:02d}", "05": f"{when.second:02d}", "PM": "PM" if when.hour >= 12 else "AM",
        "pm": "pm" if when.hour >= 12 else "am", "1": str(when.month), "2": str(when.day),
        "3": str((when.hour % 12) or 12), "4": str(when.minute), "5": str(when.second),
    }  # fmt: skip
    order = sorted(parts, key=len, reverse=True)
    out, i = [], 0
    while i < len(layout):
        for key in order:
            if layout.startswith(key, i):
                out.append(parts[key])
                i += len(key)
                break
        else:
            out.append(layout[i])
            i += 1
    return "".join(out)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


class Rules(SiteRules):
    """Hugo: regular pages under `content` (not `_index` pages, not bundle resources), dated and
    URL'd by the site's `[frontmatter]` and `[permalinks]`; the default language only."""

    name: ClassVar[str] = "hugo"
    extensions: ClassVar[tuple[str, ...]] = MARKDOWN_EXTENSIONS
    # gohugo.io/content-management/summaries/: the manual summary divider.
    summary_separators: ClassVar[tuple[str, ...]] = ("<!--more-->",)

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        options = config.generator.options
        self._options: dict[str, str] = dict(options)
        self._lower = not _flag(options.get("disablePathToLower", ""))
        self._accents = _flag(options.get("removePathAccents", ""))
        self._ugly = options.get("uglyURLs", "").strip()
        self._default_lang = (options.get("defaultContentLanguage") or config.generator.language or "en").lower()
        self._languages = {c.strip().lower() for c in options.get("languages", "").split(",") if c.strip()}
        self._languages.add(self._default_lang)
        self._prefix = options.get("languagePrefix", "").strip("/")
        try:
            ignore = json.loads(options.get("ignoreFiles", "[]") or "[]")
        except ValueError:
            ignore = []
        self._ignore = [re.compile(p) for p in ignore if isinstance(p, str)]
        # Folder → does it hold a leaf bundle's index (cached: every file of a folder asks).
        self._leaf: dict[str, bool] = {}
        self._branch: dict[str, bool] = {}

    # -- which files are pages -------------------------------------------------------------------

    def _names(self, folder: str) -> list[str]:
        try:
            return [p.name for p in (self.config.posts_dir() / folder).iterdir()]
        except OSError:
            return []

    def _is_leaf(self, folder: str) -> bool:
        if folder not in self._leaf:
            self._leaf[folder] = any(_INDEX.match(n) for n in self._names(folder))
        return self._leaf[folder]

    def _is_branch(self, folder: str) -> bool:
        if folder not in self._branch:
            self._branch[folder] = any(_SECTION_INDEX.match(n) for n in self._names(folder))
        return self._branch[folder]

    def _lang_of(self, stem: str) -> tuple[str, str]:
        """'post.fr' → ('post', 'fr') when fr is one of the site's languages
        (gohugo.io/content-management/multilingual/#translation-by-file-name)."""
        base, dot, lang = stem.rpartition(".")
        if dot and base and lang.lower() in self._languages:
            return base, lang.lower()
        return stem, ""

    def skip(self, rel: str) -> str | None:
        folder, stem, _ = split_name(rel)
        base, lang = self._lang_of(stem)
        if base == "_index":
            return "a section page (_index), not a regular page"
        if lang and lang != self._default_lang:
            return f"a translation ({lang}); only the default language ({self._default_lang}) is published"
        # gohugo.io/content-management/page-bundles/: every file under a leaf bundle is its resource.
        parts = folder.split("/") if folder else []
        for depth in range(len(parts), 0, -1):
            above = "/".join(parts[:depth])
            if self._is_leaf(above) and not (depth == len(parts) and base == "index"):
                return f"a resource of the leaf bundle {above}/"
        shown = f"{self.config.posts}/{rel}"
        for pattern in self._ignore:
            if pattern.search(shown) or pattern.search(rel):
                return f"matched ignoreFiles {pattern.pattern!r}"
        return None

    # -- front matter ----------------------------------------------------------------------------

    def _sources(self, name: str) -> tuple[str, ...]:
        written = self._options.get(name, "")
        if not written.strip():
            return DEFAULT_DATES[name]
        return tuple(s.strip().lower() for s in written.split(",") if s.strip())

    def _date_from(
        self, sources: tuple[str, ...], low: dict[str, Any], rel: str, known: dict[str, Any]
    ) -> tuple[Any, str]:
        """The first date source with a value: (value, source) or (None, '')."""
        for source in sources:
            if source == ":filename":
                found = _FILENAME_DATE.match(self._content_base(rel))
                if found:
                    day, hh, mm, ss = found.groups()
                    return (f"{day} {hh}:{mm}:{ss}" if hh else day), source
            elif source == ":filemodtime":
                try:
                    stamp = (self.config.posts_dir() / rel).stat().st_mtime
                except OSError:
                    continue
                return datetime.fromtimestamp(stamp, UTC), source
            elif source.startswith(":"):
                # `:git` needs the last commit's author date of every file (enableGitInfo): not read.
                continue
            else:
                value = known.get(source, low.get(source))
                if value not in (None, ""):
                    return value, source
        return None, ""

    def _content_base(self, rel: str) -> str:
        """Hugo's content base name: the file's stem without its language, or a bundle's folder name."""
        folder, stem, _ = split_name(rel)
        base, _ = self._lang_of(stem)
        if base == "index" and folder:
            return folder.rpartition("/")[2]
        return base

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        keys = self.config.front_matter
        # Hugo reads front matter keys case-insensitively (`Title`, `Date`, `publishDate`).
        low: dict[str, Any] = {}
        for key, value in meta.items():
            low[str(key).lower()] = value
        claimed = {
            k.lower()
            for field in ("title", "date", "updated", "tags", "categories", "summary", "image", "permalink", "slug")
            for k in getattr(keys, field)
        }
        out: dict[str, Any] = {k: v for k, v in low.items() if k not in claimed}
        title = _text(low.get("title"))
        if title:
            out[keys.title[0]] = low["title"]

        # gohugo.io/configuration/front-matter/#dates: each date from its ordered sources.
        date, source = self._date_from(self._sources("date"), low, rel, {})
        slug = _text(low.get("slug"))
        if source == ":filename" and not slug:
            # The rest of the file name is the slug when `:filename` gave the date.
            slug = re.sub(r"^[-_\s]+", "", _FILENAME_DATE.sub("", self._content_base(rel), count=1))
        published, _ = self._date_from(self._sources("publishDate"), low, rel, {"date": date})
        lastmod, _ = self._date_from(
            tuple(s for s in self._sources("lastmod") if s != ":git"), low, rel, {"date": date}
        )
        if published not in (None, ""):
            out[keys.date[0]] = published
        if lastmod not in (None, ""):
            out[keys.updated[0]] = lastmod
        if slug:
            out[keys.slug[0]] = slug

        for field in ("tags", "categories"):
            taxonomy = self._options.get(field, field).strip().lower()
            if taxonomy and low.get(taxonomy) not in (None, ""):
                out[getattr(keys, field)[0]] = low[taxonomy]
        # The embedded RSS template publishes .Summary: front matter `summary`, else the divider or
        # the first paragraph; `description` is not a summary.
        if _text(low.get("summary")):
            out[keys.summary[0]] = low["summary"]

        when = self._when(date)
        url = self.url(low, rel, title, slug, when) if when is not None or not self._needs_date(low, rel) else ""
        if url:
            out[keys.permalink[0]] = url
        image = self._image(low, rel, url)
        if image:
            out[keys.image[0]] = image
        return out

    def _when(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            return parse_date(value, self.config.tz)
        except DateError:
            return None

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        low = {str(k).lower(): v for k, v in meta.items()}
        # gohugo.io/content-management/build-options/: `list: never` keeps a page out of every
        # collection, `local` out of site.RegularPages (the home feed); `render: never` gives no URL.
        build = low.get("build", low.get("_build"))
        if isinstance(build, dict):
            opts = {str(k).lower(): v for k, v in build.items()}
            listed = opts.get("list", "always")
            rendered = opts.get("render", "always")
            if listed is False or str(listed).lower() in ("never", "local", "false"):
                return f"build list: {str(listed).lower()}"
            if rendered is False or str(rendered).lower() in ("never", "false"):
                return "build render: never"
        if low.get("headless") is True:
            return "a headless bundle"
        expiry, _ = self._date_from(self._sources("expiryDate"), low, "", {})
        expires = self._when(expiry)
        if expires is not None and expires <= now:
            return "expired (expiryDate has passed)"
        return None

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        written = _text(meta.get(self.config.front_matter.slug[0]))
        return written or self._content_base(rel)

    # -- URLs ------------------------------------------------------------------------------------

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        written = meta.get(self.config.front_matter.permalink[0])
        if isinstance(written, str) and written:
            return written
        low = {str(k).lower(): v for k, v in meta.items() if str(k).lower() not in ("url", "permalink")}
        slug = _text(meta.get(self.config.front_matter.slug[0]))
        return self.url(low, place.rel, place.title, slug, place.published)

    def _pattern(self, rel: str) -> str:
        """The `[permalinks]` pattern of the page's section: `posts` matches /posts and /posts/**;
        '/' the root's pages (resources/page/permalinks.go sectionToPathGlob). The longest wins."""
        folder = split_name(rel)[0].lower()
        best, chosen = -1, ""
        for key, pattern in self.config.generator.permalinks.items():
            section = key.strip(" /").lower()
            if section == "*":
                hit = 0
            elif not section:
                hit = 1 if not folder else -1
            else:
                hit = len(section) + 1 if folder == section or folder.startswith(section + "/") else -1
            if hit > best:
                best, chosen = hit, pattern
        return chosen

    def _needs_date(self, low: dict[str, Any], rel: str) -> bool:
        written = _text(low.get("url"))
        pattern = (written if written else self._pattern(rel)).replace("\\:", "")
        return any(
            m.group(0)[1:] not in _NON_DATE and not m.group(0).startswith((":sections", ":sectionslugs"))
            for m in _TOKEN.finditer(pattern)
        )

    def _urlize(self, text: str) -> str:
        return sanitize(text, self._lower, self._accents)

    def _sections(self, rel: str) -> list[str]:
        """The page's sections: its top folder, then each folder below that has an _index page."""
        parts = split_name(rel)[0].split("/") if split_name(rel)[0] else []
        if parts and self._is_leaf("/".join(parts)) and split_name(rel)[1].startswith("index"):
            parts = parts[:-1]
        sections = parts[:1]
        for depth in range(2, len(parts) + 1):
            if not self._is_branch("/".join(parts[:depth])):
                break
            sections.append(parts[depth - 1])
        return [s.lower() if self._lower else s for s in sections]

    def _expand(self, pattern: str, rel: str, title: str, slug: str, when: datetime | None) -> str:
        pattern = pattern.replace("\\:", "\x00")
        base = self._content_base(rel)

        def token(match: re.Match[str]) -> str:
            name, cut = match.group(0)[1:], match.group(1) or ""
            name = name[: len(name) - len(cut)]
            if name in ("sections", "sectionslugs"):
                return "/".join(_slice(self._sections(rel), cut))
            if name in ("section", "sectionslug"):
                sections = self._sections(rel)
                return sections[0] if sections else ""
            if name == "title":
                return self._urlize(title)
            if name == "slug":
                return self._urlize(slug or title)
            if name in ("slugorfilename", "slugorcontentbasename"):
                return self._urlize(slug or base)
            if name in ("filename", "contentbasename"):
                return self._urlize(base)
            if when is None:
                return match.group(0)
            named = {
                "year": str(when.year), "month": f"{when.month:02d}", "monthname": when.strftime("%B"),
                "day": f"{when.day:02d}", "weekday": str((when.weekday() + 1) % 7),
                "weekdayname": when.strftime("%A"), "yearday": str(when.timetuple().tm_yday),
            }  # fmt: skip
            return named.get(name) or go_date(name, when)

        return _TOKEN.sub(token, pattern).replace("\x00", ":")

    def _is_ugly(self, rel: str) -> bool:
        if _flag(self._ugly):
            return True
        section = split_name(rel)[0].split("/")[0].lower()
        return bool(section) and section in {s.strip().lower() for s in self._ugly.split(",")}

    def url(self, low: dict[str, Any], rel: str, title: str, slug: str, when: datetime | None) -> str:
        """The page's path under the site: resources/page/page_paths.go CreateTargetPaths."""
        written = _text(low.get("url"))
        prefix = f"/{self._prefix}" if self._prefix else ""
        if written:
            # gohugo.io/content-management/urls/#url: used as written (tokens expanded), never
            # sanitized or lower-cased; a URL without a file extension gets its trailing slash.
            if ":" in written and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", written):
                written = unquote(self._expand(written, rel, title, slug, when))
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", written):
                return written
            parts = [p for p in written.split("/") if p]
            link = "/" + "/".join(parts)
            if written.endswith("/") or "." not in written:
                link = link.rstrip("/") + "/"
            if not written.startswith("/") and prefix and not link.startswith(prefix + "/"):
                link = prefix + link
            return link.replace("#", "%23")
        ugly = self._is_ugly(rel)
        pattern = self._pattern(rel)
        if pattern:
            expanded = unquote(self._expand(pattern, rel, title, slug, when))
            path = str(PurePosixPath("/" + expanded.strip("/"))) if expanded.strip("/") else ""
        else:
            folder, stem, _ = split_name(rel)
            base = slug or self._content_base(rel)
            if self._lang_of(stem)[0] == "index" and folder:
                folder = folder.rpartition("/")[0]
            path = f"/{folder}/{base}" if folder else f"/{base}"
        path = self._clean("/".join(sanitize(p, self._lower, self._accents) for p in path.split("/")))
        link = f"{path}.html" if ugly and path else f"{path}/"
        return (prefix + link).replace("#", "%23")

    @staticmethod
    def _clean(path: str) -> str:
        return re.sub(r"/{2,}", "/", path).rstrip("/")

    def _image(self, low: dict[str, Any], rel: str, url: str) -> str:
        """The post's image: the first of `images` (Hugo's opengraph/twitter templates), else a
        bundle's `*feature*`, `*cover*` or `*thumbnail*` image, else a theme's `image`/`cover` key.

        A relative image of a leaf bundle is its resource, served under the page's own URL;
        elsewhere Hugo's absURL makes it relative to the site's root."""
        images = low.get("images")
        first = images[0] if isinstance(images, list) and images else images
        image = _text(first)
        folder, stem, _ = split_name(rel)
        bundle = self._lang_of(stem)[0] == "index" and bool(folder)
        if not image and bundle:
            names = sorted(n for n in self._names(folder) if n.lower().endswith(_IMAGE))
            for word in ("feature", "cover", "thumbnail"):
                image = next((n for n in names if word in n.lower()), "")
                if image:
                    break
        if not image:
            for key in self.config.front_matter.image:
                value = low.get(key.lower())
                if isinstance(value, dict):
                    value = next((value[k] for k in ("image", "src", "url") if isinstance(value.get(k), str)), "")
                image = _text(value)
                if image:
                    break
        if not image or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^/", image):
            return image
        if bundle and url.endswith("/"):
            return url + image
        return "/" + image.lstrip("./")


_NON_DATE = {
    "section", "sectionslug", "sections", "sectionslugs", "title", "slug", "slugorfilename",
    "filename", "contentbasename", "slugorcontentbasename",
}  # fmt: skip


def _slice(items: list[str], cut: str) -> list[str]:
    """Hugo's `:sections[1:]`, `[:last]`, `[last]`, `[1:2]` (lenient, never out of bounds)."""
    cut = cut.strip().lower()
    if not cut:
        return items
    inner = cut[1:-1]
    if not items:
        return []

    def index(text: str, low: bool) -> int:
        if text == "":
            return 0 if low else len(items)
        if text == "last":
            return len(items) - 1
        try:
            n = max(int(text), 0)
        except ValueError:
            return -1
        if n >= len(items):
            return -1 if low else len(items)
        return n

    if ":" not in inner:
        n = index(inner, True)
        return [] if n < 0 else [items[n]]
    lo, hi = inner.split(":", 1)
    a, b = index(lo, True), index(hi, False)
    return [] if a < 0 or b < 0 else items[a:b]
