"""A Zola site's own config (`zola.toml`, or `config.toml`) → SiteFacts for `feedwright init`.

Keys read (https://www.getzola.org/documentation/getting-started/configuration/): base_url,
title, description, default_language, author (else `[extra] author`), taxonomies, `[slugify]`
paths and paths_keep_dates, `[languages]` (and the older `languages = [{code = ...}]`),
ignored_content. Zola has no time zone setting: a date without an offset is UTC.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .base import SiteFacts

# main.rs: zola.toml first, then the older config.toml.
CONFIG_NAMES = ("zola.toml", "config.toml")
_BASE_URL_LINE = re.compile(r"^\s*base_url\s*=", re.MULTILINE)


def _config_file(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        path = root / name
        if path.is_file() and _says_base_url(path):
            return path
    return None


def _says_base_url(path: Path) -> bool:
    """Zola's config has `base_url` (Hugo's `baseURL`/`baseurl` never has the underscore)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return _BASE_URL_LINE.search(text) is not None


def detect(root: Path) -> bool:
    return (root / "content").is_dir() and _config_file(root) is not None


def _load(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return data


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _expand_braces(pattern: str) -> list[str]:
    """globset's `{a,b}` alternatives, which gitignore-style globs lack."""
    m = re.search(r"\{([^{}]*)\}", pattern)
    if m is None:
        return [pattern]
    return [x for alt in m.group(1).split(",") for x in _expand_braces(pattern[: m.start()] + alt + pattern[m.end() :])]


def _excludes(patterns: Any, found: list[str]) -> tuple[str, ...]:
    """ignored_content globs → exclude globs relative to content/.

    Zola matches them against the file's whole path with `*` crossing '/', so only a pattern
    starting with `*` can match; as a gitignore glob it matches the same names at any depth.
    """
    out: list[str] = []
    for pattern in patterns if isinstance(patterns, list) else []:
        if not isinstance(pattern, str) or not pattern.strip():
            continue
        if pattern.startswith("*"):
            out.extend(p.removeprefix("**/") for p in _expand_braces(pattern))
        else:
            found.append(
                f"ignored_content '{pattern}' left out: it matches no file in Zola (it must match the whole path)"
            )
    return tuple(dict.fromkeys(out))


def _languages(data: dict[str, Any], default: str) -> list[str]:
    """The other languages' codes: `[languages.fr]` tables (Zola ≥ 0.15) or `languages = [{code = "fr"}]`."""
    raw = data.get("languages")
    codes: list[str] = []
    if isinstance(raw, dict):
        codes = [str(code) for code in raw]
    elif isinstance(raw, list):
        codes = [str(item["code"]) for item in raw if isinstance(item, dict) and isinstance(item.get("code"), str)]
    return [c for c in codes if c and c != default]


def read_site(root: Path) -> SiteFacts:
    path = _config_file(root)
    if path is None:
        return SiteFacts(generator="zola", root=root, posts="content", found=("no zola.toml or config.toml found",))
    name = path.name
    data = _load(path)
    found: list[str] = []
    base_url = _string(data, "base_url")
    title = _string(data, "title")
    description = _string(data, "description")
    if base_url:
        found.append(f"base URL {base_url} from {name} (base_url)")
    if title:
        found.append(f"title '{title}' from {name} (title)")
    if description:
        found.append(f"description from {name} (description)")
    language = _string(data, "default_language") or "en"
    found.append(
        f"language {language} from {name} (default_language)"
        if _string(data, "default_language")
        else "language en: Zola's default_language"
    )
    extra = _table(data, "extra")
    author = _string(data, "author")
    if author:
        found.append(f"author '{author}' from {name} (author)")
    else:
        author = _string(extra, "author")
        if author:
            found.append(f"author '{author}' from {name} ([extra] author)")
    found.append("time zone UTC: Zola reads a date without an offset as UTC")

    options: dict[str, str] = {}
    slugify = _table(data, "slugify")
    paths = _string(slugify, "paths").lower()
    if paths in ("on", "safe", "off"):
        options["slugify_paths"] = paths
        found.append(f"slugs: [slugify] paths = {paths} from {name}")
    if slugify.get("paths_keep_dates") is True:
        options["paths_keep_dates"] = "true"
        found.append(f"slugs keep the file name's date: [slugify] paths_keep_dates from {name}")
    others = _languages(data, language)
    if others:
        options["languages"] = ",".join(others)
        found.append(f"languages {', '.join(others)} from {name}: their pages are left out (default language only)")

    taxonomies = [
        t["name"] for t in data.get("taxonomies", []) if isinstance(t, dict) and isinstance(t.get("name"), str)
    ]
    for taxonomy in taxonomies:
        if taxonomy in ("tags", "categories"):
            found.append(f"taxonomy {taxonomy} from {name}: its feeds are made")
        else:
            found.append(
                f"taxonomy {taxonomy} from {name} not made into feeds (front_matter.categories: [{taxonomy}] would)"
            )
    exclude = _excludes(data.get("ignored_content"), found)
    if exclude:
        found.append(f"exclude {', '.join(exclude)} from {name} (ignored_content)")
    return SiteFacts(
        generator="zola",
        root=root,
        posts="content",
        base_url=base_url,
        title=title,
        description=description,
        language=language,
        author=author,
        options=options,
        exclude=exclude,
        # Zola renders every page whatever its date, so its own feed lists future-dated ones.
        include_future=True,
        found=tuple(found),
    )
