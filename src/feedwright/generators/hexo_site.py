"""A Hexo site's own files → SiteFacts: `detect` and `read_site` for generators/hexo.py.

What is read comes from https://hexo.io/docs/configuration (and lib/hexo/default_config.ts for
the defaults): the site's _config.yml, and package.json to confirm the site depends on hexo.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .base import SiteFacts

CONFIG = "_config.yml"
# `hexo init` writes these into _config.yml; a site that kept one has not said its address.
_PLACEHOLDER_URLS = ("http://example.com", "https://example.com", "http://yoursite.com", "https://yoursite.com")


def _source_dir(config: dict[str, Any]) -> str:
    value = config.get("source_dir")
    return value.strip("/") if isinstance(value, str) and value.strip("/") else "source"


def _config(root: Path) -> dict[str, Any] | None:
    try:
        data = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _depends_on_hexo(root: Path) -> bool:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    return any(isinstance(data.get(k), dict) and "hexo" in data[k] for k in ("dependencies", "devDependencies"))


def detect(root: Path) -> bool:
    """_config.yml beside a source/_posts folder (a Jekyll site has _config.yml and _posts/ at
    its root, never under source/); package.json depending on hexo confirms a site whose
    source_dir is elsewhere."""
    if not (root / CONFIG).is_file():
        return False
    if (root / "source" / "_posts").is_dir():
        return True
    config = _config(root)
    return config is not None and _depends_on_hexo(root) and (root / _source_dir(config) / "_posts").is_dir()


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return ""


def local_timezone() -> tuple[str, str]:
    """(the machine's IANA time zone, where it was read) — what Hexo uses when `timezone` is
    empty (validate_config.ts: 'Using LocalTimeZone'); ('', '') when it cannot be told."""
    candidates: list[tuple[str, str]] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        candidates.append((env, "the TZ environment variable"))
    with contextlib.suppress(OSError, UnicodeDecodeError):
        candidates.append((Path("/etc/timezone").read_text(encoding="utf-8").strip(), "/etc/timezone"))
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append((target.split("zoneinfo/", 1)[1], "the /etc/localtime link"))
    for name, where in candidates:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name, where
    return "", ""


def _flat(prefix: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {f"{prefix}{k}": _text(v) for k, v in value.items() if _text(k) and _text(v)}


def _posts_globs(patterns: Any) -> list[str]:
    """Hexo's skip_render/exclude globs (relative to source/) that reach into _posts, made
    relative to the posts folder as feedwright's `exclude` reads them."""
    items = patterns if isinstance(patterns, list) else [patterns]
    out: list[str] = []
    for item in items:
        text = _text(item)
        if text.startswith("_posts/"):
            out.append(text[len("_posts/") :])
        elif text.startswith("**/"):
            out.append(text)
    return out


def read_site(root: Path) -> SiteFacts:
    config = _config(root) or {}
    found: list[str] = []
    posts = f"{_source_dir(config)}/_posts"
    found.append(f"posts folder {posts} (source_dir + '/_posts'; _drafts are never published)")

    base_url = _text(config.get("url")).rstrip("/")
    if base_url in _PLACEHOLDER_URLS:
        found.append(f"{CONFIG} (url) is Hexo's placeholder {base_url}: not the site's address")
        base_url = ""
    elif base_url:
        found.append(f"base URL {base_url}/ from {CONFIG} (url)")
        root_path = _text(config.get("root"))
        if root_path and root_path.strip("/") and not base_url.endswith("/" + root_path.strip("/")):
            found.append(f"{CONFIG} (root) {root_path} is not the end of url: post URLs follow url, as Hexo's do")

    title = _text(config.get("title"))
    if title:
        found.append(f"title from {CONFIG} (title)")
    description = _text(config.get("description")) or _text(config.get("subtitle"))
    if description:
        key = "description" if _text(config.get("description")) else "subtitle"
        found.append(f"description from {CONFIG} ({key})")
    author = _text(config.get("author"))
    if author:
        found.append(f"author {author} from {CONFIG} (author)")

    language_raw = config.get("language")
    # `language` may be a list: the first is the site's default language.
    if isinstance(language_raw, list):
        language_raw = language_raw[0] if language_raw else ""
    language = _text(language_raw)
    if language and language != "default":
        found.append(f"language {language} from {CONFIG} (language)")
    else:
        language = ""

    timezone = _text(config.get("timezone"))
    if timezone:
        try:
            ZoneInfo(timezone)
            found.append(f"time zone {timezone} from {CONFIG} (timezone)")
        except (ZoneInfoNotFoundError, ValueError):
            found.append(f"{CONFIG} (timezone) {timezone} is not an IANA time zone; using UTC")
            timezone = ""
    else:
        timezone, where = local_timezone()
        if timezone:
            found.append(
                f"time zone {timezone}: {CONFIG} leaves timezone empty, which Hexo reads as this"
                f" machine's zone ({where}); set it in feedwright.yaml if the site is built elsewhere"
            )
        else:
            found.append(f"{CONFIG} leaves timezone empty and this machine's zone is unknown: UTC")

    permalink = _text(config.get("permalink")) or ":year/:month/:day/:title/"
    found.append(f"permalink {permalink} from {CONFIG} (permalink)" if config.get("permalink") else
                 f"permalink {permalink} (Hexo's default)")  # fmt: skip

    options: dict[str, str] = {}
    for key in ("new_post_name", "filename_case", "default_category", "post_asset_folder"):
        value = config.get(key)
        if isinstance(value, bool):
            options[key] = "true" if value else "false"
        elif _text(value):
            options[key] = _text(value)
    pretty = config.get("pretty_urls")
    if isinstance(pretty, dict):
        for key in ("trailing_index", "trailing_html"):
            if isinstance(pretty.get(key), bool):
                options[f"pretty_urls.{key}"] = "true" if pretty[key] else "false"
    options.update(_flat("category_map.", config.get("category_map")))
    options.update(_flat("permalink_defaults.", config.get("permalink_defaults")))
    if options:
        found.append(f"{', '.join(sorted({k.split('.')[0] for k in options}))} from {CONFIG}")
    if config.get("render_drafts") is True:
        found.append(f"{CONFIG} (render_drafts) is true: drafts in source/_drafts are still left out of the feeds")

    exclude = [*_posts_globs(config.get("skip_render")), *_posts_globs(config.get("exclude"))]
    if exclude:
        found.append(f"exclude {', '.join(exclude)} from {CONFIG} (skip_render, exclude)")

    return SiteFacts(
        generator="hexo",
        root=root,
        posts=posts,
        base_url=base_url + "/" if base_url else "",
        title=title,
        description=description,
        language=language,
        timezone=timezone,
        author=author,
        permalink=permalink,
        options=options,
        exclude=tuple(exclude),
        # Hexo lists future-dated posts at once unless `future: false` (its default is true).
        include_future=config.get("future", True) is not False,
        found=tuple(found),
    )
