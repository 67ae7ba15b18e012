"""A Jekyll site's own files → SiteFacts: is this a Jekyll site, and what does its _config.yml say?

https://jekyllrb.com/docs/configuration/: the config is the first of `_config.yml`,
`_config.yaml`, `_config.toml` (Configuration#config_files); posts live in `_posts` folders
(https://jekyllrb.com/docs/posts/), at the site's root or in any folder Jekyll reads, under
`collections_dir` when it is set.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .base import SiteFacts

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
# Folders no post is in, which a search for _posts folders need not enter (Configuration::DEFAULT_EXCLUDES).
_NEVER = {"node_modules", "vendor", "gemfiles", "_site"}
# How deep below the site's root a `_posts` folder is looked for.
_DEPTH = 4


def config_file(root: Path) -> Path | None:
    return next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)


def load_config(root: Path) -> tuple[dict[str, Any], str]:
    """The site's config as a mapping, and the file's name ('' when there is none or it is broken)."""
    path = config_file(root)
    if path is None:
        return {}, ""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError):
        return {}, ""
    return (data if isinstance(data, dict) else {}), path.name


def detect(root: Path) -> bool:
    """A Jekyll config and a `_posts` folder Jekyll reads; Hexo's `source/_posts` alone is not one."""
    if config_file(root) is None:
        return False
    config, _ = load_config(root)
    return bool(posts_folders(root, config))


def posts_folders(root: Path, config: dict[str, Any]) -> list[str]:
    """Every `_posts` folder Jekyll reads (Reader#read_directories), relative to root, '/'-separated."""
    collections = _text(config.get("collections_dir")).strip("/")
    start = root / collections if collections else root
    excluded = {e.strip("/") for e in config.get("exclude") or [] if isinstance(e, str)}
    found: list[str] = []
    pending: list[tuple[Path, str, int]] = [(start, collections, 0)]
    while pending:
        folder, rel, depth = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                continue
            child = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name == "_posts":
                found.append(child)
            elif (
                not entry.name.startswith((".", "_", "#", "~"))
                and entry.name not in _NEVER
                and child not in excluded
                and depth < _DEPTH
                # Hexo keeps its posts in source/_posts: not a Jekyll site's folder.
                and not (child == "source" and not found and (root / "source" / "_posts").is_dir())
            ):
                pending.append((Path(entry.path), child, depth + 1))
    return sorted(found)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_site(root: Path) -> SiteFacts:
    config, name = load_config(root)
    found: list[str] = []

    def note(what: str, value: str, key: str) -> str:
        if value:
            found.append(f"{what} {value} from {name} ({key})")
        return value

    folders = posts_folders(root, config)
    collections = _text(config.get("collections_dir")).strip("/")
    # Several `_posts` folders (blog/_posts, news/_posts) are read from the site's root (or
    # collections_dir): the rules keep only files inside a `_posts` folder.
    posts = folders[0] if len(folders) == 1 else collections or "."
    found.append(f"posts folder {posts}" + (f" ({', '.join(folders)})" if len(folders) > 1 else ""))

    url = _text(config.get("url")).rstrip("/")
    url_key = "url"
    if not url and (root / "CNAME").is_file():
        # GitHub Pages serves the site at the domain its CNAME file names.
        try:
            domain = (root / "CNAME").read_text(encoding="utf-8").split()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            domain = ""
        if domain:
            url, url_key = f"https://{domain.rstrip('/')}", "CNAME"
    baseurl = _text(config.get("baseurl")).strip("/")
    base_url = ""
    if url:
        base_url = f"{url}/{baseurl}/" if baseurl else f"{url}/"
        found.append(f"base URL {base_url} from {name if url_key == 'url' else 'CNAME'} ({url_key} + baseurl)")

    # jekyll-feed and jekyll-seo-tag: `site.title`, else `site.name`.
    title = note("title", _text(config.get("title")), "title") or note("title", _text(config.get("name")), "name")
    description = note("description", _text(config.get("description")), "description")
    language = _text(config.get("lang")) or _text(config.get("locale"))
    note("language", language.replace("_", "-"), "lang" if config.get("lang") else "locale")
    timezone = _text(config.get("timezone"))
    if timezone:
        try:
            ZoneInfo(timezone)
            note("time zone", timezone, "timezone")
        except (ZoneInfoNotFoundError, ValueError):
            found.append(f"time zone '{timezone}' in {name} is not an IANA zone; UTC used")
            timezone = ""
    author_raw = config.get("author")
    author = _text(author_raw.get("name")) if isinstance(author_raw, dict) else _text(author_raw)
    note("author", author, "author")

    collection = _mapping(config.get("collections"))
    posts_meta = _mapping(collection.get("posts"))
    permalink = note("permalink", _text(posts_meta.get("permalink")), "collections.posts.permalink")
    permalink = permalink or note("permalink", _text(config.get("permalink")), "permalink")
    permalinks = _default_permalinks(config, collections)
    if permalinks:
        found.append(f"permalinks per path {permalinks} from {name} (defaults)")

    separator = config.get("excerpt_separator")
    summary_separator = separator.strip() if isinstance(separator, str) and separator.strip() else ""
    note("excerpt separator", summary_separator, "excerpt_separator")

    options: dict[str, str] = {}
    if _text(config.get("markdown_ext")):
        options["markdown_ext"] = note("Markdown extensions", _text(config.get("markdown_ext")), "markdown_ext")
    if collections:
        options["collections_dir"] = note("collections folder", collections, "collections_dir")

    return SiteFacts(
        generator="jekyll",
        root=root,
        posts=posts,
        base_url=base_url,
        title=title,
        description=description,
        language=language.replace("_", "-"),
        timezone=timezone,
        author=author,
        permalink=permalink,
        permalinks=permalinks,
        summary_separator=summary_separator,
        options=options,
        exclude=_excludes(config, posts),
        # `future: true` publishes posts dated in the future at once (Jekyll's default is false).
        include_future=config.get("future") is True,
        found=tuple(found),
    )


def _default_permalinks(config: dict[str, Any], collections: str) -> dict[str, str]:
    """Front matter defaults (https://jekyllrb.com/docs/configuration/front-matter-defaults/) that
    give posts a permalink: {scope path relative to collections_dir: pattern}."""
    out: dict[str, str] = {}
    for item in config.get("defaults") or []:
        if not isinstance(item, dict) or not isinstance(item.get("values"), dict):
            continue
        scope = _mapping(item.get("scope"))
        kind = scope.get("type")
        pattern = _text(item["values"].get("permalink"))
        path = _text(scope.get("path")).strip("/")
        if not pattern or kind not in (None, "", "posts") or "*" in path:
            continue
        if collections and path.startswith(collections + "/"):
            path = path[len(collections) + 1 :]
        # Later sets of one scope win, as Jekyll merges them in order.
        out[path] = pattern
    return out


def _excludes(config: dict[str, Any], posts: str) -> tuple[str, ...]:
    """The site's `exclude:` entries that reach into the posts folder, as globs relative to it.

    EntryFilter#glob_include? anchors an entry at the site's root (`README.md` is the root's only),
    and File.fnmatch without FNM_PATHNAME lets `*` cross folders (`*.txt` is every .txt file).
    """
    out: list[str] = []
    for raw in config.get("exclude") or []:
        if not isinstance(raw, str) or not raw.strip("/ "):
            continue
        entry = raw.strip().lstrip("/")
        if entry.startswith(posts + "/"):
            out.append("/" + entry[len(posts) + 1 :])
        elif entry.startswith("*"):
            out.append(entry)
        elif posts == ".":
            out.append("/" + entry)
    return tuple(out)
