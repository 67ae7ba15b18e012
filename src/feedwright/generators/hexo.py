"""Hexo's rules (https://hexo.io/docs/): posts in source/_posts, their dates, categories and URLs.

The rules follow Hexo's documentation (configuration, permalinks, front-matter, writing) and,
where it is vague, its source: lib/plugins/processor/post.ts (which files are posts, the slug
and date a file name gives), lib/plugins/filter/post_permalink.ts (the URL), lib/models/category.ts
(a category's slug) and hexo-util's slugize, permalink and pretty_urls.

Settings from the site's _config.yml that the rules need travel in `generator.options`
(strings, as feedwright.yaml holds them): new_post_name, filename_case, default_category,
post_asset_folder, pretty_urls.trailing_index, pretty_urls.trailing_html, and one key per
entry of category_map ('category_map.Diary: diary') and permalink_defaults
('permalink_defaults.lang: en'). read_site (hexo_site.py) writes them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any, ClassVar

from .base import PostPlace, SiteRules
from .hexo_site import detect, read_site

__all__ = ["Rules", "detect", "hexo_slugize", "parse_file_name", "read_site", "stringify"]

# Hexo's default `permalink` and `new_post_name` (lib/hexo/default_config.ts).
DEFAULT_PERMALINK = ":year/:month/:day/:title/"
DEFAULT_NEW_POST_NAME = ":title.md"
# The extensions hexo-renderer-marked (Hexo's default renderer) registers.
HEXO_MARKDOWN = (".md", ".markdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext")

# hexo-util's Permalink: a parameter is ':' and a word not ending in '_'.
_PARAM = re.compile(r":(\w*[^_\W])")
# The segments post.ts parses a file name with; every other parameter is '(.+?)'.
_NAME_SEGMENTS = {
    "year": r"(\d{4})",
    "month": r"(\d{2})",
    "day": r"(\d{2})",
    "i_month": r"(\d{1,2})",
    "i_day": r"(\d{1,2})",
    "hash": r"([0-9a-f]{12})",
}
# hexo-util's slugize: these runs become one separator.
_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'<>,.?/]+""")
_CONTROL = re.compile(r"[\x00-\x1f]")
# hexo-util's escapeDiacritic maps letters with no Unicode decomposition too.
_NO_DECOMPOSITION = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "ß": "s", "Đ": "D", "đ": "d",
     "Ł": "L", "ł": "l", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T", "ŧ": "t"}
)  # fmt: skip
# excerpt.ts: /<!-- ?more ?-->/i, spelled out since the framework looks for plain strings.
_MORE = tuple(f"<!--{a}{word}{b}-->" for word in ("more", "More", "MORE") for a in ("", " ") for b in ("", " "))


def hexo_slugize(text: str, transform: int = 0) -> str:
    """hexo-util's slugize: diacritics dropped, punctuation and spaces → '-', case kept
    (transform 1 lower-cases, 2 upper-cases, as filename_case does)."""
    text = text.translate(_NO_DECOMPOSITION)
    # escapeDiacritic only touches letters it knows; NFD + dropping marks does that for Latin
    # letters and leaves CJK alone (it has no marks).
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not (unicodedata.combining(ch) and not ch.isascii())
    )
    text = unicodedata.normalize("NFC", text)
    text = _SPECIAL.sub("-", _CONTROL.sub("", text))
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if transform == 1:
        return text.lower()
    if transform == 2:
        return text.upper()
    return text


def _rule_regex(rule: str, segments: dict[str, str]) -> tuple[re.Pattern[str], list[str]]:
    params: list[str] = []

    def one(match: re.Match[str]) -> str:
        params.append(match.group(1))
        return segments.get(match.group(1), "(.+?)")

    pattern = _PARAM.sub(one, re.escape(rule).replace("\\:", ":"))
    return re.compile(f"^{pattern}$", re.DOTALL), params


def parse_file_name(new_post_name: str, rel: str) -> dict[str, str]:
    """What post.ts's parseFilename learns from a post's path (relative to _posts): its slug
    ('title') and, when new_post_name holds them, its date parts.

    The pattern and the path lose their extensions; a path the pattern does not match, or a
    pattern without :title, gives the slugized path ('a b/c.md' → 'a-b-c').
    """
    rule = new_post_name[: len(new_post_name) - len(_extension(new_post_name))]
    path = rel[: len(rel) - len(_extension(rel))]
    regex, params = _rule_regex(rule, _NAME_SEGMENTS)
    match = regex.match(path)
    if match is None:
        return {"title": hexo_slugize(path)}
    found = dict(zip(params, match.groups(), strict=True))
    if "title" not in found:
        found["title"] = hexo_slugize(path)
    return found


def _extension(path: str) -> str:
    """Node's path.extname: the last '.x' of the last segment, not a leading dot."""
    name = path.rpartition("/")[2]
    at = name.rfind(".")
    return name[at:] if at > 0 else ""


def stringify(rule: str, values: dict[str, str]) -> str:
    """hexo-util's Permalink.stringify: each :param replaced; one Hexo has no value for
    reads 'undefined', as JavaScript writes it."""
    return _PARAM.sub(lambda m: values.get(m.group(1), "undefined"), rule)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(getattr(value, "source", None) or value).strip()
    if isinstance(value, datetime):
        return value.isoformat()
    return None


def category_paths(raw: Any) -> list[list[str]]:
    """Hexo's `categories` → its hierarchies (front-matter docs, 'Categories & Tags').

    A list is ONE hierarchy (`[Diary, Life]`: Life under Diary); a list holding lists is
    several (`[[Diary, PlayStation], [Diary, Games], [Life]]`); a name alone is one category.
    """
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    if not any(isinstance(item, list) for item in items):
        path = [t for t in (_text(i) for i in items) if t]
        return [path] if path else []
    paths: list[list[str]] = []
    for item in items:
        members = item if isinstance(item, list) else [item]
        path = [t for t in (_text(i) for i in members) if t]
        if path:
            paths.append(path)
    return paths


def category_names(paths: list[list[str]]) -> list[str]:
    """The feedwright categories of Hexo's hierarchies: every level, named by its path.

    Hexo files a post under each category of the chain (setCategories), so `[Diary, Life]`
    is in 'Diary' and in 'Diary/Life'; naming a child by its path keeps 'Diary/Games' and
    'Work/Games' apart, as Hexo's own category pages (/categories/Diary/Games/) do.
    """
    names: list[str] = []
    for path in paths:
        for depth in range(1, len(path) + 1):
            name = "/".join(path[:depth])
            if name not in names:
                names.append(name)
    return names


class Rules(SiteRules):
    """Hexo: https://hexo.io/docs/writing, /front-matter, /permalinks, /configuration."""

    name: ClassVar[str] = "hexo"
    extensions: ClassVar[tuple[str, ...]] = HEXO_MARKDOWN
    summary_separators: ClassVar[tuple[str, ...]] = _MORE

    def _option(self, key: str, default: str) -> str:
        return self.config.generator.options.get(key, default)

    def _flag(self, key: str, default: bool) -> bool:
        value = self._option(key, "true" if default else "false").strip().lower()
        return value in ("true", "yes", "on", "1")

    @property
    def new_post_name(self) -> str:
        return self._option("new_post_name", DEFAULT_NEW_POST_NAME) or DEFAULT_NEW_POST_NAME

    def _prefixed(self, prefix: str) -> dict[str, str]:
        options = self.config.generator.options
        return {k[len(prefix) :]: v for k, v in options.items() if k.startswith(prefix)}

    def skip(self, rel: str) -> str | None:
        # common.ts isHiddenFile: a segment starting with '_' or '.' is not processed.
        if re.search(r"(^|/)[_.]", rel):
            return "a hidden file or folder ('_' or '.')"
        if self._flag("post_asset_folder", False) and _extension(rel) != _extension(self.new_post_name):
            # post.ts: with post_asset_folder, only new_post_name's extension is a post.
            return "an asset of a post (post_asset_folder)"
        return None

    def front_matter(self, meta: dict[str, Any], rel: str) -> dict[str, Any]:
        out = dict(meta)
        # post.ts: `category` and `tag` are read when `categories` and `tags` are not there.
        if "category" in out and "categories" not in out:
            out["categories"] = out.pop("category")
        if "tag" in out and "tags" not in out:
            out["tags"] = out.pop("tag")
        # A tag or category written alone is one name, commas and all (post.ts wraps it in a list).
        if isinstance(out.get("tags"), str):
            out["tags"] = [out["tags"]]
        if "categories" in out:
            out["categories"] = category_names(category_paths(out["categories"]))
        # Hexo ignores a front matter `slug` (post.ts sets it from the file name).
        out.pop("slug", None)
        # Hexo's post id (`:id`) is never a feed id: keep it out of feedwright's `id`.
        if "id" in out:
            out["hexo_id"] = out.pop("id")
        return out

    def left_out(self, meta: dict[str, Any], now: datetime) -> str | None:
        # front-matter docs: `published: false` keeps a post in _posts unpublished.
        if meta.get("published") is False:
            return "published: false"
        return None

    def path_date(self, rel: str) -> str | None:
        found = parse_file_name(self.new_post_name, rel)
        year, month, day = found.get("year"), found.get("month") or found.get("i_month"), found.get("day")
        day = day or found.get("i_day")
        if year and month and day:
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        # Hexo dates a post with no date by its file (post.ts: the file's birth time);
        # mtime where the system does not keep birth times.
        try:
            stat = (self.config.posts_dir() / rel).stat()
        except OSError:
            return None
        born = getattr(stat, "st_birthtime", None) or stat.st_mtime
        return datetime.fromtimestamp(born, UTC).isoformat()

    def slug(self, meta: dict[str, Any], rel: str, title: str) -> str:
        # post.ts: the slug is the :title part of the file's path, folders and case kept.
        return parse_file_name(self.new_post_name, rel)["title"]

    def permalink(self, meta: dict[str, Any], place: PostPlace) -> str:
        asset_folder = self._flag("post_asset_folder", False)
        written = _text(meta.get("permalink"))
        if written:
            # post_permalink.ts: the front matter's own path, under the site's url.
            path = written
            if asset_folder and not path.endswith(("/", ".html")):
                path += "/"
            return self._pretty(path.lstrip("/"))
        rule = self.config.generator.permalink or DEFAULT_PERMALINK
        path = stringify(rule, self._values(meta, place))
        if asset_folder and not path.endswith(("/", ".html")):
            path += "/"
        return self._pretty(path.lstrip("/"))

    def _pretty(self, path: str) -> str:
        # hexo-util pretty_urls, as full_url_for applies it to every post URL.
        if not self._flag("pretty_urls.trailing_index", True):
            path = re.sub(r"index\.html$", "", path)
        if not self._flag("pretty_urls.trailing_html", True) and not path.endswith("index.html"):
            path = re.sub(r"\.html$", "", path)
        return path

    def _values(self, meta: dict[str, Any], place: PostPlace) -> dict[str, str]:
        when = place.published
        slug = place.slug
        title = _text(meta.get("title")) or place.title
        values: dict[str, str] = {}
        # Any front matter value is a placeholder too (post_permalink.ts copies the post's
        # fields): `permalink: posts/:abbrlink/` with `abbrlink: 3cd53ed7`.
        for key, value in meta.items():
            text = _text(value)
            if isinstance(key, str) and text is not None:
                values[key] = text
        hexo_id = _text(meta.get("hexo_id"))
        values.pop("hexo_id", None)
        seconds = int(when.timestamp())
        values.update(
            {
                "title": slug,
                "name": slug.rpartition("/")[2],
                "post_title": hexo_slugize(title, 1),
                "year": f"{when.year:04d}",
                "month": f"{when.month:02d}",
                "day": f"{when.day:02d}",
                "hour": f"{when.hour:02d}",
                "minute": f"{when.minute:02d}",
                "second": f"{when.second:02d}",
                "i_month": str(when.month),
                "i_day": str(when.day),
                "timestamp": str(seconds),
                "hash": hashlib.sha1(f"{slug}{seconds}".encode()).hexdigest()[:12],
                "category": self._category(meta),
            }
        )
        if hexo_id:
            values["id"] = hexo_id
        for key, value in self._prefixed("permalink_defaults.").items():
            values.setdefault(key, value)
        return values

    def _category(self, meta: dict[str, Any]) -> str:
        """`:category`: the slug of the post's last category, its parents' slugs before it."""
        names = meta.get("categories")
        if not isinstance(names, list) or not names:
            return self._option("default_category", "uncategorized")
        mapping = self._prefixed("category_map.")
        case_text = self._option("filename_case", "0").strip()
        case = int(case_text) if case_text in ("1", "2") else 0
        path = str(names[-1]).split("/")
        return "/".join(hexo_slugize(mapping.get(part, part), case) for part in path)
