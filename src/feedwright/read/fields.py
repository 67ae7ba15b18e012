"""Front matter → the normalised fields of a Post: title, dates, tags, authors, permalink, id, image..."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..config import Config
from ..dates import DateError, parse_date
from ..generators import SiteRules
from ..generators.base import PostPlace
from ..model import Author, Post, Problem
from ..text import clean_line, clean_summary, iri_to_uri
from .reject import Reject

_FIRST_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# An address as RSS <author> and Atom <email> carry it: a dot-atom local part (RFC 5322, with
# letters of any script as RFC 6531 allows) and a domain of two or more labels. Quoted local
# parts and address literals are refused: they are what carries quotes, brackets and spaces.
_WORD = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(rf"{_WORD}(?:\.{_WORD})*@{_LABEL}(?:\.{_LABEL})+")
# A URI scheme a reader would run or open as a document, never an entry's id.
_ACTIVE_SCHEMES = ("javascript", "vbscript", "data")


def _first(meta: dict[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    for key in keys:
        if key in meta:
            return key, meta[key]
    return None, None


def _text(value: Any) -> str | None:
    """A scalar front matter value as the author wrote it, or None when it is not text-like.

    YAML turns `title: 2024`, `tags: [3.10]` and `title: 2024-01-05` into numbers and
    dates; as text they must read as written ('3.10', not '3.1').
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return getattr(value, "source", None) or str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return None


def _kind(value: Any) -> str:
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None or value == "" else f"a {type(value).__name__}"


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _says_no(value: Any) -> bool:
    """`feed: false` (or no, off): only a written no, since other sites use `feed:` for a URL."""
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no", "off"))


def to_post(
    path: Path,
    rel: str,
    meta: dict[str, Any],
    body: str,
    body_line: int,
    rules: SiteRules,
    now: datetime,
    shown: str,
    problems: list[Problem],
    language: str = "yaml",
) -> tuple[Post | None, str | None]:
    """`rel`: the file's path relative to the posts folder, '/'-separated, which the rules read;
    `language`: the front matter's (yaml, toml, json), which a suggested fix is written in."""
    config = rules.config
    keys = config.front_matter
    tz = config.tz
    meta = rules.front_matter(meta, rel)

    _, draft = _first(meta, keys.draft)
    if _truthy(draft) and not config.include_drafts:
        return None, "draft"
    if _says_no(meta.get("feed")):
        return None, "feed: false"
    left_out = rules.left_out(meta, now)
    if left_out is not None:
        return None, left_out

    title_key, title_raw = _first(meta, keys.title)
    title = clean_line(_text(title_raw) or "")
    if not title:
        # Say what was there: "no title" for `title: [a, b]` would send the author looking in vain.
        found = "no title" if title_key is None else f"'{title_key}' is {_kind(title_raw)}, not one line of text"
        heading = _FIRST_HEADING.search(body)
        title = clean_line(heading.group(1)) if heading else ""
        if not title:
            raise Reject(f"{found}: add {_line('title', '...', language)} to the front matter")
        problems.append(Problem(shown, f"{found}; using the first heading '{title}'", "warning"))

    published = _date_field(meta, keys.date, rel, rules, language)
    updated = published
    upd_key, upd_raw = _first(meta, keys.updated)
    if upd_key is not None and upd_raw not in (None, ""):
        try:
            updated = max(parse_date(upd_raw, tz), published)
        except DateError as exc:
            problems.append(Problem(shown, f"'{upd_key}': {exc}; using the publication date", "warning"))
    if published > now and not config.include_future:
        return None, "future"

    limit = config.limits.tags_per_post
    tags = _at_most(_names(meta, keys.tags, shown, problems), limit, "tags", shown, problems)
    categories = _at_most(_names(meta, keys.categories, shown, problems), limit, "categories", shown, problems)
    authors = _authors(meta, keys.authors, config, shown, problems)

    slug_key, _ = _first(meta, keys.slug)
    slug = rules.slug(meta, rel, title)
    place = PostPlace(rel, slug, title, published.astimezone(tz), categories)
    permalink = _permalink(meta, rules, place, shown, problems)
    id_key, id_raw = _first(meta, keys.id)
    post_id = permalink
    old_base = config.site.id_base_url
    if old_base and permalink.startswith(config.base_url):
        post_id = old_base + permalink[len(config.base_url) :]
    if isinstance(id_raw, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S", id_raw.strip()):
        if id_raw.strip().split(":", 1)[0].lower() in _ACTIVE_SCHEMES:
            problems.append(
                Problem(shown, f"'{id_key}' is a script or data URL; using the permalink as the id", "warning")
            )
        else:
            post_id = id_raw.strip()

    image = None
    image_key, image_raw = _first(meta, keys.image)
    if isinstance(image_raw, dict):
        # Hugo themes write `cover: {image: ...}`; others `{src: ...}` or `{url: ...}`.
        image_raw = next((image_raw[k] for k in ("image", "src", "url") if isinstance(image_raw.get(k), str)), "")
    if isinstance(image_raw, str) and image_raw.strip():
        image = _web_url(image_raw.strip(), config.base_url)
        if image is None:
            problems.append(Problem(shown, f"'{image_key}' is not an http(s) URL or a path; image left out", "warning"))

    _, summary_raw = _first(meta, keys.summary)
    summary = clean_summary(_text(summary_raw) or "")

    split_raw = meta.get("split")
    split = _truthy(split_raw) if split_raw is not None else None

    used = {title_key, upd_key, slug_key, id_key, "split", "feed"}
    private = set(keys.private)
    extra = {k: v for k, v in meta.items() if k not in private and k not in used}
    content = extra.get("content")
    if content is not None and not (isinstance(content, str) and content.strip().lower() in ("full", "summary")):
        # `content:` says what feeds show of the post (plan/content.py); anything else is a typo.
        problems.append(Problem(shown, f"'content' must be full or summary, got {_kind(content)}; ignored", "warning"))
        del extra["content"]
    post = Post(
        source=path,
        rel_path=shown,
        id=post_id,
        slug=slug,
        title=title,
        published=published,
        updated=updated,
        authors=authors,
        tags=tags,
        categories=categories,
        permalink=permalink,
        image=image,
        summary=summary,
        body=body,
        body_line=body_line,
        split=split,
        extra=extra,
    )
    return post, None


def _date_field(meta: dict[str, Any], keys: tuple[str, ...], rel: str, rules: SiteRules, language: str) -> datetime:
    config = rules.config
    key, raw = _first(meta, keys)
    if key is not None and raw is not None and raw != "":
        try:
            return parse_date(raw, config.tz)
        except DateError as exc:
            raise Reject(f"'{key}': {exc}") from None
    from_path = rules.path_date(rel)
    if from_path is not None:
        try:
            return parse_date(from_path, config.tz)
        except DateError as exc:
            raise Reject(f"the date in the file's name: {exc}") from None
    fallback, why = _fallback_date(rel, config)
    hint = " (or set date_fallback: git or mtime in the config)" if config.date_fallback == "none" else ""
    if fallback is None:
        raise Reject(f"no {keys[0]}{why}: add {_date_line(keys[0], language)} to the front matter{hint}")
    return fallback.astimezone(config.tz)


def _date_line(key: str, language: str) -> str:
    if language == "yaml":
        return _line(key, "2024-01-31 18:30:00", language)
    return _line(key, "2024-01-31T18:30:00+08:00", language)


def _line(key: str, value: str, language: str) -> str:
    """The line to add, in the front matter's own language (a TOML post is told in TOML)."""
    if language == "toml":
        # A TOML date is a bare literal; any other value a quoted string.
        return f"'{key} = {value}'" if value[:1].isdigit() else f"'{key} = \"{value}\"'"
    if language == "json":
        return f'\'"{key}": "{value}"\''
    return f"'{key}: {value}'"


def _fallback_date(rel: str, config: Config) -> tuple[datetime | None, str]:
    """The date `date_fallback` gives, or None and why there is none (' (git: ...)')."""
    if config.date_fallback == "mtime":
        return datetime.fromtimestamp((config.posts_dir() / rel).stat().st_mtime, UTC), ""
    if config.date_fallback == "git":
        found = config.git_dates
        if found is None or found.error:
            return None, f" ({found.error if found else 'git dates were not read'})"
        if rel in found.dates:
            return found.dates[rel], ""
        return None, " (git has no commit that adds this file: commit it)"
    return None, ""


def _names(meta: dict[str, Any], keys: tuple[str, ...], shown: str, problems: list[Problem]) -> tuple[str, ...]:
    key, raw = _first(meta, keys)
    if raw is None:
        return ()
    values: list[str] = []
    nested = False

    def walk(value: Any, depth: int) -> None:
        nonlocal nested
        if isinstance(value, (set, frozenset)):
            # `!!set {a, b}`: a set has no order, so sort it for stable feeds.
            value = sorted(value, key=str)
        if isinstance(value, (list, tuple)):
            if depth > 0:
                nested = True
            if depth > 5:
                return
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, str):
            # A bare string is a comma-separated list, as Jekyll reads it; list items stay whole.
            values.extend(value.split(",") if depth == 0 else [value])
        else:
            text = _text(value)
            if text is not None:
                values.append(text)

    if isinstance(raw, dict):
        problems.append(Problem(shown, f"'{key}' is a mapping; write a list such as [linux, python]", "warning"))
        return ()
    walk(raw, 0)
    if nested:
        problems.append(Problem(shown, f"'{key}' holds nested lists; they were flattened", "warning"))
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        name = clean_line(value)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name[:200])
    return tuple(out)


def _at_most(names: tuple[str, ...], limit: int, field: str, shown: str, problems: list[Problem]) -> tuple[str, ...]:
    """The first `limit` names: each one is a feed set of its own, and thousands make one post cost minutes."""
    if len(names) <= limit:
        return names
    problems.append(
        Problem(
            shown,
            f"{len(names)} {field}, more than limits.tags_per_post ({limit}); the first {limit} are kept",
            "warning",
        )
    )
    return names[:limit]


def _authors(
    meta: dict[str, Any], keys: tuple[str, ...], config: Config, shown: str, problems: list[Problem]
) -> tuple[Author, ...]:
    key, raw = _first(meta, keys)
    items = raw if isinstance(raw, list) else [raw]
    authors: list[Author] = []
    for item in items:
        name = clean_line(_text(item) or "")
        if name:
            authors.append(Author(name))
        elif isinstance(item, dict) and clean_line(_text(item.get("name")) or ""):
            name = clean_line(_text(item["name"]) or "")
            email = item.get("email")
            email = email.strip() if isinstance(email, str) and email.strip() else None
            if email is not None and not _is_email(email):
                problems.append(
                    Problem(shown, f"'{key}': {name}'s email is not an e-mail address; left out", "warning")
                )
                email = None
            uri = item.get("uri") or item.get("url")
            uri = uri.strip() if isinstance(uri, str) and uri.strip() else None
            if uri is not None:
                uri = _web_url(uri, config.base_url)
                if uri is None:
                    message = f"'{key}': {name}'s uri is not an http(s) URL or a path; left out"
                    problems.append(Problem(shown, message, "warning"))
            authors.append(Author(name, email, uri))
    if not authors and config.site.author.name:
        a = config.site.author
        authors.append(Author(a.name, a.email or None, a.uri or None))
    return tuple(authors)


def _is_email(text: str) -> bool:
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def _permalink(meta: dict[str, Any], rules: SiteRules, place: PostPlace, shown: str, problems: list[Problem]) -> str:
    config = rules.config
    url = _web_url(rules.permalink(meta, place), config.base_url)
    if url is not None:
        return url
    key, _ = _first(meta, config.front_matter.permalink)
    problems.append(
        Problem(shown, f"'{key}' is not an http(s) URL or a path; using the site's permalink pattern", "warning")
    )
    unwritten = {k: v for k, v in meta.items() if k not in config.front_matter.permalink}
    return _absolute(rules.permalink(unwritten, place), config.base_url)


def _absolute(url: str, base: str) -> str:
    return iri_to_uri(_joined(url, base))


def _web_url(url: str, base: str) -> str | None:
    """`url` made absolute, or None when it is not a web address.

    Readers turn links and images into clickable or fetched URLs: a `javascript:` or
    `data:` permalink written in front matter must never reach a feed.
    """
    absolute = _absolute(url, base)
    return absolute if urlsplit(absolute).scheme.lower() in ("http", "https") else None


def _joined(url: str, base: str) -> str:
    if urlsplit(url).scheme:
        return url
    if url.startswith("/") and not url.startswith("//"):
        parts = urlsplit(base)
        prefix = parts.path.rstrip("/")
        if prefix and not url.startswith(prefix + "/"):
            # base_url may live under a path (https://example.org/blog/); site paths are under it.
            return f"{parts.scheme}://{parts.netloc}{prefix}{url}"
    return urljoin(base, url)
