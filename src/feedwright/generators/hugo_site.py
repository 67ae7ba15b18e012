"""A Hugo site's own config → SiteFacts, and whether a folder is a Hugo site at all.

Hugo reads `hugo.toml|yaml|json` (or the older `config.*`) at the site's root and the files of
`config/_default/` (`hugo.toml` or `config.toml` at the top level, `params.toml`, `languages.toml`,
`permalinks.toml`... each under its own key), then the environment's folder, `config/production/`
for `hugo` builds (gohugo.io/configuration/introduction/#configuration-directory). Keys are read
case-insensitively, as Hugo does.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from .base import SiteFacts

_FORMATS = (".toml", ".yaml", ".yml", ".json")
# resources/page/pagemeta/page_frontmatter.go: the defaults (`:default`) and each date's aliases.
_DEFAULTS = {
    "date": ["date", "publishdate", "lastmod"],
    "publishdate": ["publishdate", "date"],
    "lastmod": [":git", "lastmod", "date", "publishdate"],
    "expirydate": ["expirydate"],
}
_ALIASES = {"lastmod": ["modified"], "publishdate": ["pubdate", "published"], "expirydate": ["unpublishdate"]}
_OPTION_NAMES = {"date": "date", "publishdate": "publishDate", "lastmod": "lastmod", "expirydate": "expiryDate"}


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def _lower(value: Any) -> Any:
    """Keys lower-cased all the way down: Hugo's config keys are case-insensitive."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower(v) for v in value]
    return value


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _root_file(root: Path) -> Path | None:
    for name in ("hugo", "config"):
        for ext in _FORMATS:
            if (root / f"{name}{ext}").is_file():
                return root / f"{name}{ext}"
    return None


def _is_zola(path: Path) -> bool:
    """Zola's config.toml says `base_url`; Hugo's says `baseURL` (any case)."""
    try:
        data = _lower(_load(path))
    except (OSError, ValueError, yaml.YAMLError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and "base_url" in data and "baseurl" not in data


def detect(root: Path) -> bool:
    if any((root / f"hugo{ext}").is_file() for ext in _FORMATS) or (root / "config" / "_default").is_dir():
        return True
    config = next((root / f"config{ext}" for ext in _FORMATS if (root / f"config{ext}").is_file()), None)
    if config is None or not (root / "content").is_dir():
        return False
    return not (config.suffix == ".toml" and _is_zola(config))


def load_config(root: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The site's merged config (keys lower-cased) and, for each top-level key, the file that set it last."""
    merged: dict[str, Any] = {}
    files: dict[str, str] = {}
    top = _root_file(root)
    if top is not None:
        data = _lower(_load(top))
        if isinstance(data, dict):
            _merge(merged, data)
            files.update(dict.fromkeys(data, top.name))
    for env in ("_default", "production"):
        folder = root / "config" / env
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in _FORMATS or not path.is_file():
                continue
            data = _lower(_load(path))
            if not isinstance(data, dict):
                continue
            stem = path.stem.lower()
            name, _, lang = stem.partition(".")
            shown = path.relative_to(root).as_posix()
            if name in ("hugo", "config"):
                _merge(merged, data)
                files.update(dict.fromkeys(data, shown))
            elif lang:
                # params.fr.toml: that language's params.
                _merge(merged, {"languages": {lang: {name: data}}})
                files["languages"] = shown
            else:
                _merge(merged, {name: data})
                files[name] = shown
    return merged, files


def _permalinks(raw: Any) -> dict[str, str]:
    """`[permalinks]` section = pattern, `[permalinks.page]` section = pattern, or the array form's
    entries whose target is a section path ('{/posts/**}', '/posts/**') or absent (every page)."""
    out: dict[str, str] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(value, str):
                out[key.strip(" /") or "/"] = value
        page = raw.get("page")
        if isinstance(page, dict):
            for key, value in page.items():
                if isinstance(value, str):
                    out[key.strip(" /") or "/"] = value
    elif isinstance(raw, list):
        for entry in raw:
            if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
                continue
            target = entry.get("target") or {}
            kind = str(target.get("kind", "page")).lower() if isinstance(target, dict) else "page"
            path = str(target.get("path", "")) if isinstance(target, dict) else ""
            if kind != "page":
                continue
            section = path.strip("{}").split(",")[0].strip().strip("/").removesuffix("/**").removesuffix("**")
            key = section.strip("/") or ("*" if not path else "/")
            out.setdefault(key, entry["pattern"])
    return out


def _date_sources(frontmatter: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    given = frontmatter if isinstance(frontmatter, dict) else {}
    for name, defaults in _DEFAULTS.items():
        sources = given.get(name)
        listed = [str(s).lower() for s in sources] if isinstance(sources, list) else list(defaults)
        expanded: list[str] = []
        for source in listed:
            for item in defaults if source == ":default" else [source]:
                for one in [item, *_ALIASES.get(item, [])]:
                    if one not in expanded:
                        expanded.append(one)
        out[_OPTION_NAMES[name]] = ",".join(expanded)
    return out


def _name_of(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"]).strip()
    return ""


def read_site(root: Path) -> SiteFacts:
    config, files = load_config(root)
    found: list[str] = [f"Hugo config read from {', '.join(sorted(set(files.values()))) or 'no config file'}"]

    def source(*keys: str) -> str:
        return next((f"{files[k]} ({k})" for k in keys if k in files), "the site's config")

    default_lang = str(config.get("defaultcontentlanguage") or "en").lower()
    languages: dict[str, Any] = config["languages"] if isinstance(config.get("languages"), dict) else {}
    own: dict[str, Any] = languages[default_lang] if isinstance(languages.get(default_lang), dict) else {}
    params: dict[str, Any] = dict(config["params"]) if isinstance(config.get("params"), dict) else {}
    if isinstance(own.get("params"), dict):
        params.update(own["params"])

    def pick(*values: Any) -> str:
        return next((str(v).strip() for v in values if isinstance(v, (str, int, float)) and str(v).strip()), "")

    base_url = pick(own.get("baseurl"), config.get("baseurl"))
    if base_url and not base_url.startswith(("http://", "https://")):
        found.append(f"baseURL '{base_url}' is not an absolute URL: ignored")
        base_url = ""
    title = pick(own.get("title"), config.get("title"))
    description = pick(own.get("description"), params.get("description"), config.get("description"))
    language = pick(
        own.get("locale"), own.get("languagecode"), config.get("locale"), config.get("languagecode"), default_lang
    )
    timezone = pick(own.get("timezone"), config.get("timezone"))
    author = _name_of(params.get("author")) or _name_of(config.get("author"))
    description = " ".join(description.split())
    for what, value, keys in (
        ("base URL", base_url, ("baseurl", "languages")),
        ("title", title, ("title", "languages")),
        ("description", description, ("params", "languages", "description")),
        ("language", language, ("languages", "languagecode", "locale")),
        ("time zone", timezone, ("timezone",)),
        ("author", author, ("params", "author")),
    ):
        if value:
            found.append(f"{what} {value!r} from {source(*keys)}")

    permalinks = _permalinks(config.get("permalinks"))
    permalinks.update(_permalinks(own.get("permalinks")))
    if permalinks:
        found.append(f"permalinks {permalinks} from {source('permalinks', 'languages')}")

    options: dict[str, str] = _date_sources(config.get("frontmatter"))
    taxonomies = config.get("taxonomies")
    if isinstance(taxonomies, dict):
        options["tags"] = str(taxonomies.get("tag", ""))
        options["categories"] = str(taxonomies.get("category", ""))
        found.append(f"taxonomies {taxonomies} from {source('taxonomies')}")
    else:
        options["tags"], options["categories"] = "tags", "categories"
    for key, name in (("disablepathtolower", "disablePathToLower"), ("removepathaccents", "removePathAccents")):
        if config.get(key) is True:
            options[name] = "true"
    ugly = config.get("uglyurls")
    if ugly is True:
        options["uglyURLs"] = "true"
    elif isinstance(ugly, dict):
        options["uglyURLs"] = ",".join(k for k, v in ugly.items() if v is True)
    options["defaultContentLanguage"] = default_lang
    if languages:
        options["languages"] = ",".join(sorted(str(k).lower() for k in languages))
    if config.get("defaultcontentlanguageinsubdir") is True:
        options["languagePrefix"] = default_lang
    ignore = config.get("ignorefiles")
    if isinstance(ignore, list) and ignore:
        options["ignoreFiles"] = json.dumps([str(p) for p in ignore])
    if config.get("summarylength") is not None:
        # Hugo's automatic summary length in words; feedwright's summary is the first paragraph.
        options["summaryLength"] = str(config["summarylength"])

    posts = pick(own.get("contentdir"), config.get("contentdir"), "content").strip("/")
    exclude: list[str] = []
    for code, settings in languages.items():
        other = settings.get("contentdir") if isinstance(settings, dict) else None
        if str(code).lower() != default_lang and isinstance(other, str):
            other = other.strip("/")
            if other.startswith(posts + "/"):
                exclude.append(other[len(posts) + 1 :] + "/")
    found.append(f"posts folder {posts} (the {default_lang} content; other languages are left out)")
    return SiteFacts(
        generator="hugo",
        root=root,
        posts=posts,
        base_url=base_url,
        title=title,
        description=description,
        language=language,
        timezone=timezone,
        author=author,
        permalinks=permalinks,
        options=options,
        exclude=tuple(exclude),
        found=tuple(found),
    )
