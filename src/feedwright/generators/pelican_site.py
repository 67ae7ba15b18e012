"""`feedwright init` for a Pelican site: pelicanconf.py and publishconf.py read, never run.

A Pelican config is Python. Running it would run whatever it imports, so it is parsed with `ast`
and only module-level assignments of literals are read (`X = 'a'`, `X = ['a', ('b', 'c')]`, `X =
OTHER_NAME`); anything else (`os.path.join(...)`, `X += [...]`, assignments under `if`) is named
as not read. publishconf.py's `from pelicanconf import *` brings pelicanconf's values in at that
point, so publishconf's own assignments override them (its SITEURL is the published address).
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .base import SiteFacts

SETTINGS = "pelicanconf.py"
PUBLISH = "publishconf.py"
DEFAULT_PATH = "content"
# Appended by Pelican to old *_SUBSTITUTIONS lists unless one of their entries says to skip it
# (pelican/settings.py, handle_deprecated_settings).
_OLD_SLUG_TAIL = [[r"[^\w\s-]", ""], [r"(?u)\A\s*", ""], [r"(?u)\s*\Z", ""], [r"[-\s]+", "-"]]


@dataclass
class PyConfig:
    """The literal settings of one config file, and the names it sets to something else."""

    values: dict[str, Any] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    error: str = ""


def read_py(path: Path, base: PyConfig | None = None, base_module: str = "") -> PyConfig:
    """Module-level literal assignments of `path`, in order; `from <base_module> import *` merges `base`."""
    out = PyConfig()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=str(path))
    except (OSError, SyntaxError, ValueError) as exc:
        out.error = f"{path.name} could not be parsed ({exc.__class__.__name__}); its settings were not read"
        return out
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and any(a.name == "*" for a in node.names):
            out.imports.append(node.module)
            if base is not None and node.module == base_module:
                out.values.update(base.values)
                out.unread.extend(n for n in base.unread if n not in out.unread)
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _assign(out, target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            _assign(out, node.target, node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            old = out.values.get(name)
            try:
                added = _literal(out, node.value)
            except _NotLiteral:
                _unread(out, name)
                continue
            if isinstance(node.op, ast.Add) and isinstance(old, list) and isinstance(added, list):
                out.values[name] = [*old, *added]
            elif isinstance(node.op, ast.Add) and isinstance(old, tuple) and isinstance(added, tuple):
                out.values[name] = (*old, *added)
            elif isinstance(node.op, ast.Add) and isinstance(old, str) and isinstance(added, str):
                out.values[name] = old + added
            else:
                _unread(out, name)
    return out


class _NotLiteral(Exception):
    pass


def _literal(config: PyConfig, node: ast.expr) -> Any:
    if isinstance(node, ast.Name) and node.id in config.values:
        return config.values[node.id]
    if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.id]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise _NotLiteral from None


def _assign(config: PyConfig, target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        try:
            config.values[target.id] = _literal(config, value)
            if target.id in config.unread:
                config.unread.remove(target.id)
        except _NotLiteral:
            _unread(config, target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        items = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        for at, element in enumerate(target.elts):
            if items is not None and len(items) == len(target.elts):
                _assign(config, element, items[at])
            elif isinstance(element, ast.Name):
                _unread(config, element.id)


def _unread(config: PyConfig, name: str) -> None:
    config.values.pop(name, None)
    if name not in config.unread:
        config.unread.append(name)


def site_settings(root: Path) -> tuple[dict[str, Any], list[str]]:
    """The settings `make publish` uses (publishconf.py over pelicanconf.py), and notes on what was not read."""
    notes: list[str] = []
    base = read_py(root / SETTINGS)
    if base.error:
        notes.append(base.error)
    settings = dict(base.values)
    unread = list(base.unread)
    if (root / PUBLISH).is_file():
        publish = read_py(root / PUBLISH, base, "pelicanconf")
        if publish.error:
            notes.append(publish.error)
        elif "pelicanconf" not in publish.imports:
            notes.append(f"{PUBLISH} does not import pelicanconf; its settings were read over {SETTINGS}'s")
            settings.update(publish.values)
            unread = [n for n in unread if n not in publish.values] + publish.unread
        else:
            settings = publish.values
            unread = publish.unread
    needed = [n for n in unread if n in _READ]
    if needed:
        notes.append(f"not read (not a literal): {', '.join(needed)}")
    return _modernised(settings), notes


def _modernised(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings renamed over Pelican's versions, as pelican/settings.py moves them."""
    out = dict(settings)
    for kind in ("ARTICLE", "PAGE"):
        old = out.pop(f"{kind}_DIR", None)
        if isinstance(old, str):
            out[f"{kind}_PATHS"] = [old]
    for kind in ("SLUG", "CATEGORY", "AUTHOR"):
        old = out.pop(f"{kind}_SUBSTITUTIONS", None)
        if not isinstance(old, (list, tuple)) or f"{kind}_REGEX_SUBSTITUTIONS" in out:
            continue
        subs: list[list[str]] = []
        tail = True
        for entry in old:
            if isinstance(entry, (list, tuple)) and len(entry) in (2, 3):
                if len(entry) == 3 and entry[2]:
                    tail = False
                subs.append([re.escape(str(entry[0])), str(entry[1]).replace("\\", r"\\")])
        subs += _OLD_SLUG_TAIL if tail else _OLD_SLUG_TAIL[1:3]
        out[f"{kind}_REGEX_SUBSTITUTIONS"] = subs
    return out


# The settings init reads; the first group go into feedwright.yaml's generator.options.
_OPTIONS = {
    "SLUGIFY_SOURCE": "slugify_source",
    "SLUG_REGEX_SUBSTITUTIONS": "slug_regex_substitutions",
    "CATEGORY_REGEX_SUBSTITUTIONS": "category_regex_substitutions",
    "AUTHOR_REGEX_SUBSTITUTIONS": "author_regex_substitutions",
    "SLUGIFY_PRESERVE_CASE": "slugify_preserve_case",
    "SLUGIFY_USE_UNICODE": "slugify_use_unicode",
    "FILENAME_METADATA": "filename_metadata",
    "PATH_METADATA": "path_metadata",
    "USE_FOLDER_AS_CATEGORY": "use_folder_as_category",
    "DEFAULT_CATEGORY": "default_category",
    "DEFAULT_DATE": "default_date",
    "DEFAULT_METADATA": "default_metadata",
    "ARTICLE_PATHS": "article_paths",
    "IGNORE_FILES": "ignore_files",
}
_READ = frozenset(
    {
        *_OPTIONS,
        *("SLUG_SUBSTITUTIONS", "ARTICLE_DIR", "PAGE_DIR", "CATEGORY_SUBSTITUTIONS", "AUTHOR_SUBSTITUTIONS"),
        *("SITEURL", "SITENAME", "SITESUBTITLE", "AUTHOR", "TIMEZONE", "DEFAULT_LANG", "PATH"),
        *("ARTICLE_URL", "ARTICLE_EXCLUDES", "PAGE_PATHS", "PLUGINS", "SUMMARY_END_MARKER"),
    }
)


def _option_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        try:
            return json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            return None
    return None


def _default_date(value: Any) -> str | None:
    """DEFAULT_DATE: 'fs', a date string, or a tuple as datetime(*DEFAULT_DATE) takes it."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) for v in value):
        try:
            return datetime(*value).isoformat()
        except (TypeError, ValueError):
            return None
    return None


def content_path(root: Path, settings: dict[str, Any]) -> str:
    """PATH relative to the site's root, POSIX-style; 'content' (pelican-quickstart's) when unset."""
    raw = settings.get("PATH")
    if not isinstance(raw, str) or not raw.strip() or raw.strip() == os.curdir:
        if isinstance(raw, str) and raw.strip() == os.curdir:
            return "."
        return DEFAULT_PATH if (root / DEFAULT_PATH).is_dir() else "."
    path = Path(raw.strip())
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root.resolve()).as_posix() or "."
        except ValueError:
            return path.as_posix()
    return path.as_posix().strip("/") or "."


def detect_site(root: Path) -> bool:
    if not (root / SETTINGS).is_file():
        return False
    settings, _ = site_settings(root)
    return (root / content_path(root, settings)).is_dir()


def _paths(value: Any) -> list[str]:
    if isinstance(value, str):
        # Pelican falls back to the default when a path list is given as a string.
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip("/") for v in value if isinstance(v, str) and str(v).strip("/")]
    return []


def read_pelican_site(root: Path) -> SiteFacts:
    settings, notes = site_settings(root)
    source = PUBLISH if (root / PUBLISH).is_file() else SETTINGS
    found: list[str] = []

    def said(name: str) -> str:
        value = settings.get(name)
        if isinstance(value, str) and value.strip():
            where = source if source == PUBLISH and name in _published_names(root) else SETTINGS
            found.append(f"{_LABELS.get(name, name)} {value.strip()!r} from {where} ({name})")
            return value.strip()
        return ""

    posts = content_path(root, settings)
    found.append(f"posts folder {posts!r} (PATH)")
    base_url = said("SITEURL")
    title = said("SITENAME")
    description = said("SITESUBTITLE")
    author = said("AUTHOR")
    timezone = said("TIMEZONE")
    if not timezone:
        found.append("no TIMEZONE: dates are read in UTC, as Pelican does")
    language = said("DEFAULT_LANG") or "en"
    article_url = settings.get("ARTICLE_URL")
    permalink = article_url.strip() if isinstance(article_url, str) and article_url.strip() else "{slug}.html"
    found.append(f"article URL {permalink!r} (ARTICLE_URL{'' if isinstance(article_url, str) else ', the default'})")

    options: dict[str, str] = {}
    for name, key in _OPTIONS.items():
        if name not in settings:
            continue
        value = _default_date(settings[name]) if name == "DEFAULT_DATE" else _option_text(settings[name])
        if name in ("ARTICLE_PATHS", "IGNORE_FILES") and isinstance(settings[name], str):
            value = None
        if value is not None:
            options[key] = value
            found.append(f"{name} = {value}")
    if "slugify_source" not in options:
        found.append("slugs from titles (SLUGIFY_SOURCE 'title', Pelican's default) unless a post says Slug:")

    excludes = _paths(settings.get("ARTICLE_EXCLUDES"))
    pages = _paths(settings.get("PAGE_PATHS")) if "PAGE_PATHS" in settings else ["pages"]
    exclude = tuple(f"/{p}/" for p in dict.fromkeys([*excludes, *pages]))
    if exclude:
        found.append(f"not articles: {', '.join(exclude)} (ARTICLE_EXCLUDES, PAGE_PATHS)")

    separator = ""
    plugins = settings.get("PLUGINS")
    if isinstance(plugins, (list, tuple)) and any(_is_summary_plugin(p) for p in plugins):
        marker = settings.get("SUMMARY_END_MARKER")
        separator = marker.strip() if isinstance(marker, str) and marker.strip() else "<!-- PELICAN_END_SUMMARY -->"
        found.append(f"summary ends at {separator} (the summary plugin)")

    # Pelican publishes future-dated articles unless WITH_FUTURE_DATES = False.
    future = settings.get("WITH_FUTURE_DATES", True) is not False
    if not future:
        found.append("future-dated articles wait for their date (WITH_FUTURE_DATES = False)")

    rst = _count_rst(root / posts)
    if rst:
        found.append(f"{rst} reStructuredText file(s) (.rst) under {posts} are not read: feedwright reads Markdown")
    found.extend(notes)
    return SiteFacts(
        generator="pelican",
        root=root,
        posts=posts,
        base_url=base_url,
        title=title,
        description=description,
        language=language,
        timezone=timezone,
        author=author,
        permalink=permalink,
        summary_separator=separator,
        options=options,
        exclude=exclude,
        include_future=future,
        found=tuple(found),
    )


_LABELS = {
    "SITEURL": "base URL",
    "SITENAME": "title",
    "SITESUBTITLE": "description",
    "AUTHOR": "author",
    "TIMEZONE": "time zone",
    "DEFAULT_LANG": "language",
}


def _published_names(root: Path) -> set[str]:
    """The names publishconf.py assigns itself (to say where a value came from)."""
    own = read_py(root / PUBLISH)
    return set(own.values) | set(own.unread)


def _is_summary_plugin(plugin: Any) -> bool:
    # 'summary', 'pelican.plugins.summary', 'pelican-plugins/summary'; not 'feed_summary'.
    return isinstance(plugin, str) and re.split(r"[./]", plugin.strip())[-1] == "summary"


def _count_rst(folder: Path) -> int:
    try:
        return sum(1 for p in folder.rglob("*.rst") if not any(part.startswith(".") for part in p.parts))
    except OSError:
        return 0
