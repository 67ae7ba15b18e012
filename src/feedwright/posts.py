"""Markdown files with front matter → Post records, every field normalised."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from frontmatter.default_handlers import SafeLoader

from .config import Config
from .dates import DateError, parse_date
from .model import Author, Post, Problem
from .slug import slugify
from .text import clean_line, clean_summary, iri_to_uri, strip_xml_forbidden

_YAML_FENCE = re.compile(r"\A---[ \t]*\r?\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\r?\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
_FIRST_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_MAX_YAML_NODES = 20_000


@dataclass(frozen=True)
class ReadResult:
    """A post, or None when it was rejected or skipped, and what was wrong with it."""

    post: Post | None
    problems: tuple[Problem, ...]
    skipped: str | None = None


class _Reject(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def find_post_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Every *.md below `folder`, sorted; links that lead outside it are refused."""
    problems: list[Problem] = []
    found: list[Path] = []
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in list(dirnames):
            if (base / d).is_symlink():
                dirnames.remove(d)
                if _inside(base / d, root):
                    problems.append(
                        Problem(_rel(base / d, root), "symbolic link to a folder is not followed", "warning")
                    )
                else:
                    problems.append(
                        Problem(
                            _rel(base / d, root), "symbolic link leads outside the posts folder; skipped", "warning"
                        )
                    )
        for name in sorted(filenames):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = base / name
            if path.is_symlink() and not _inside(path, root):
                problems.append(
                    Problem(_rel(path, root), "symbolic link leads outside the posts folder; skipped", "warning")
                )
                continue
            found.append(path)
    return found, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_post(path: Path, config: Config, now: datetime, display: str | None = None) -> ReadResult:
    """Read one file into a Post. Never raises for bad input: problems say what is wrong."""
    shown = display or str(path)
    problems: list[Problem] = []
    try:
        post, skipped = _read(path, config, now, shown, problems)
    except _Reject as exc:
        problems.append(Problem(shown, str(exc), "error", exc.line))
        return ReadResult(None, tuple(problems))
    return ReadResult(post, tuple(problems), skipped)


def _read(
    path: Path, config: Config, now: datetime, shown: str, problems: list[Problem]
) -> tuple[Post | None, str | None]:
    try:
        size = path.stat().st_size
        if size > config.limits.max_post_bytes:
            raise _Reject(
                f"file is {size:,} bytes, over the limit of {config.limits.max_post_bytes:,}"
                " (raise limits.max_post_bytes in the config, or split the post)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _Reject(f"cannot read the file: {exc.strerror or exc}") from None
    text = _decode(raw, shown, problems)
    text, bad = strip_xml_forbidden(text)
    if bad:
        problems.append(
            Problem(shown, f"removed {bad} control or non-character code point(s) that XML cannot carry", "warning")
        )
    if not text.strip():
        raise _Reject("the file is empty (a post starts with '---', front matter, '---', then the text)")
    meta, body, body_line = _split_front_matter(text)
    return _to_post(path, meta, body, body_line, config, now, shown, problems)


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw[: first_error.start].count(b"\n") + 1
        raise _Reject(f"line {line}: not UTF-8 (nor GB18030) text; save the file as UTF-8", line) from None
    problems.append(Problem(shown, "file is GB18030, not UTF-8; read it as GB18030 (save it as UTF-8)", "warning"))
    return text


def _split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    for fence, close, parse in ((_YAML_FENCE, _YAML_CLOSE, _load_yaml), (_TOML_FENCE, _TOML_CLOSE, _load_toml)):
        opening = fence.match(text)
        if not opening:
            continue
        closing = close.search(text, opening.end())
        if not closing:
            raise _Reject("front matter is never closed: add a line '---' after it", 1)
        head = text[opening.end() : closing.start()]
        body_start = closing.end()
        if text.startswith("\r\n", body_start):
            body_start += 2
        elif text.startswith("\n", body_start):
            body_start += 1
        body_line = text.count("\n", 0, body_start) + 1
        meta = parse(head)
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            kind = "a list" if isinstance(meta, list) else f"a single {type(meta).__name__} value"
            raise _Reject(f"front matter is {kind}, not a mapping of keys (write 'title: ...' lines)", 2)
        return meta, text[body_start:], body_line
    raise _Reject("no front matter: the file must start with a line '---', then 'title:', 'date:' ..., then '---'", 1)


def _load_yaml(head: str) -> Any:
    loader = SafeLoader(head)
    try:
        node = loader.get_single_node()
        if node is not None and _node_count(node) > _MAX_YAML_NODES:
            raise _Reject(f"front matter is too large or nests aliases too deeply (over {_MAX_YAML_NODES} values)", 2)
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _Reject(f"front matter is not valid YAML: {problem} (check quoting and indentation)", line) from None
    finally:
        loader.dispose()


def _node_count(root: yaml.Node) -> int:
    """Count nodes as a consumer walking the data would visit them, aliases expanded.

    An alias bomb holds few nodes but expands to billions; counting with a cap
    stops it before any value is built.
    """
    count = 0
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > _MAX_YAML_NODES:
            return count
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
    return count


def _load_toml(head: str) -> Any:
    try:
        return tomllib.loads(head)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise _Reject(f"front matter is not valid TOML: {exc}", line + 1 if line else 2) from None


def _first(meta: dict[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    for key in keys:
        if key in meta:
            return key, meta[key]
    return None, None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _to_post(
    path: Path,
    meta: dict[str, Any],
    body: str,
    body_line: int,
    config: Config,
    now: datetime,
    shown: str,
    problems: list[Problem],
) -> tuple[Post | None, str | None]:
    keys = config.front_matter
    tz = config.tz

    _, draft = _first(meta, keys.draft)
    if _truthy(draft) and not config.include_drafts:
        return None, "draft"

    title_key, title_raw = _first(meta, keys.title)
    title = clean_line(str(title_raw)) if isinstance(title_raw, (str, int, float)) else ""
    if not title:
        heading = _FIRST_HEADING.search(body)
        if heading is None:
            raise _Reject("no title: add 'title: ...' to the front matter")
        title = clean_line(heading.group(1))
        problems.append(Problem(shown, f"no title in the front matter; using the first heading '{title}'", "warning"))

    published = _date_field(meta, keys.date, tz, path, config, shown, "date")
    updated = published
    upd_key, upd_raw = _first(meta, keys.updated)
    if upd_key is not None and upd_raw not in (None, ""):
        try:
            updated = max(parse_date(upd_raw, tz), published)
        except DateError as exc:
            problems.append(Problem(shown, f"'{upd_key}': {exc}; using the publication date", "warning"))
    if published > now and not config.include_future:
        return None, "future"

    tags = _names(meta, keys.tags, shown, problems)
    categories = _names(meta, keys.categories, shown, problems)
    authors = _authors(meta, keys.authors, config)

    slug_key, slug_raw = _first(meta, keys.slug)
    stem = path.parent.name if path.stem in ("index", "_index") else path.stem
    slug = slugify(str(slug_raw)) if isinstance(slug_raw, (str, int)) and str(slug_raw).strip() else slugify(stem)

    permalink = _permalink(meta, keys.permalink, config, slug, published)
    id_key, id_raw = _first(meta, keys.id)
    post_id = permalink
    if isinstance(id_raw, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S", id_raw.strip()):
        post_id = id_raw.strip()

    image = None
    _, image_raw = _first(meta, keys.image)
    if isinstance(image_raw, str) and image_raw.strip():
        image = _absolute(image_raw.strip(), config.base_url)
    elif isinstance(image_raw, dict):
        # Hugo themes write `cover: {image: ...}`; others `{src: ...}` or `{url: ...}`.
        found = next((image_raw[k] for k in ("image", "src", "url") if isinstance(image_raw.get(k), str)), "")
        if found.strip():
            image = _absolute(found.strip(), config.base_url)

    _, summary_raw = _first(meta, keys.summary)
    summary = clean_summary(summary_raw) if isinstance(summary_raw, str) else ""

    split_raw = meta.get("split")
    split = _truthy(split_raw) if split_raw is not None else None

    used = {title_key, upd_key, slug_key, id_key, "split"}
    private = set(keys.private)
    extra = {k: v for k, v in meta.items() if k not in private and k not in used}
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


def _date_field(
    meta: dict[str, Any], keys: tuple[str, ...], tz: Any, path: Path, config: Config, shown: str, what: str
) -> datetime:
    key, raw = _first(meta, keys)
    if key is None or raw is None or raw == "":
        fallback = _fallback_date(path, config)
        if fallback is None:
            raise _Reject(
                f"no {what}: add '{keys[0]}: 2024-01-31 18:30:00' to the front matter"
                " (or set date_fallback: git or mtime in the config)"
            )
        return fallback.astimezone(tz)
    try:
        return parse_date(raw, tz)
    except DateError as exc:
        raise _Reject(f"'{key}': {exc}") from None


def _fallback_date(path: Path, config: Config) -> datetime | None:
    if config.date_fallback == "mtime":
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if config.date_fallback == "git":
        try:
            out = subprocess.run(
                ["git", "log", "--diff-filter=A", "--follow", "--format=%aI", "-1", "--", path.name],
                cwd=path.parent,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        return datetime.fromisoformat(out) if out else None
    return None


def _names(meta: dict[str, Any], keys: tuple[str, ...], shown: str, problems: list[Problem]) -> tuple[str, ...]:
    key, raw = _first(meta, keys)
    if raw is None:
        return ()
    values: list[str] = []
    nested = False

    def walk(value: Any, depth: int) -> None:
        nonlocal nested
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
        elif isinstance(value, bool) or value is None or isinstance(value, dict):
            return
        else:
            values.append(str(value))

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


def _authors(meta: dict[str, Any], keys: tuple[str, ...], config: Config) -> tuple[Author, ...]:
    _, raw = _first(meta, keys)
    items = raw if isinstance(raw, list) else [raw]
    authors: list[Author] = []
    for item in items:
        if isinstance(item, str) and clean_line(item):
            authors.append(Author(clean_line(item)))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            email = item.get("email")
            uri = item.get("uri") or item.get("url")
            authors.append(
                Author(
                    clean_line(item["name"]),
                    email.strip() if isinstance(email, str) and email.strip() else None,
                    uri.strip() if isinstance(uri, str) and uri.strip() else None,
                )
            )
    if not authors and config.site.author.name:
        a = config.site.author
        authors.append(Author(a.name, a.email or None, a.uri or None))
    return tuple(authors)


def _permalink(meta: dict[str, Any], keys: tuple[str, ...], config: Config, slug: str, published: datetime) -> str:
    _, raw = _first(meta, keys)
    if isinstance(raw, str) and raw.strip():
        return _absolute(raw.strip(), config.base_url)
    pattern = config.site.permalink
    local = published.astimezone(config.tz)
    relative = pattern.format(slug=slug, year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}")
    return _absolute(relative, config.base_url)


def _absolute(url: str, base: str) -> str:
    return iri_to_uri(_joined(url, base))


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


def read_posts(files: Iterable[Path], folder: Path, config: Config, now: datetime) -> Iterator[tuple[Path, ReadResult]]:
    for path in files:
        yield path, read_post(path, config, now, display=_display(path, folder))


def _display(path: Path, folder: Path) -> str:
    """The path as the person running the build can open it: relative to here when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
