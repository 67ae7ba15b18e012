"""Markdown files with front matter → Post records, every field normalised."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import yaml

if TYPE_CHECKING:
    # At run time python-frontmatter's choice: libyaml's CSafeLoader when PyYAML has it, else
    # SafeLoader. Both construct and resolve alike, so SafeLoader's type stands for either.
    from yaml import SafeLoader
else:
    from frontmatter.default_handlers import SafeLoader

from ..config import Config
from ..dates import DateError, parse_date
from ..model import Author, Post, Problem
from ..slug import slugify
from ..text import clean_line, clean_summary, first_xml_forbidden, iri_to_uri, strip_xml_forbidden

_YAML_FENCE = re.compile(r"\A---[ \t]*\r?\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\r?\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
_FIRST_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# An address as RSS <author> and Atom <email> carry it: a dot-atom local part (RFC 5322, with
# letters of any script as RFC 6531 allows) and a domain of two or more labels. Quoted local
# parts and address literals are refused: they are what carries quotes, brackets and spaces.
_WORD = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(rf"{_WORD}(?:\.{_WORD})*@{_LABEL}(?:\.{_LABEL})+")
# A URI scheme a reader would run or open as a document, never an entry's id.
_ACTIVE_SCHEMES = ("javascript", "vbscript", "data")
_MAX_YAML_NODES = 20_000
_MAX_DEPTH = 32
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _SourceInt(int):
    """An int that remembers how the front matter spelled it ('007', '0x1F')."""

    source: str


class _SourceFloat(float):
    """A float that remembers how the front matter spelled it (a tag '3.10' is not '3.1')."""

    source: str


class _FrontMatterLoader(SafeLoader):
    """SafeLoader with YAML 1.2 scalars.

    PyYAML follows YAML 1.1: 'yes', 'no', 'on' and 'off' become booleans and '10:00'
    becomes 600, so `tags: [no, 10:00]` would lose both tags. Here only true/false are
    booleans, base-60 numbers stay text, and numbers keep their spelling for text fields.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _INT_TAG, _FLOAT_TAG)]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FrontMatterLoader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_FrontMatterLoader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: SafeLoader, node: yaml.ScalarNode) -> int:
    value = _SourceInt(loader.construct_yaml_int(node))
    value.source = node.value
    return value


def _construct_float(loader: SafeLoader, node: yaml.ScalarNode) -> float:
    value = _SourceFloat(loader.construct_yaml_float(node))
    value.source = node.value
    return value


def _construct_timestamp(loader: SafeLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError for `date: 2023-02-29`, which is no YAMLError and would
    # crash the build. Kept as text, the date field reports it; any other field just keeps it.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


_FrontMatterLoader.add_constructor(_INT_TAG, _construct_int)
_FrontMatterLoader.add_constructor(_FLOAT_TAG, _construct_float)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass(frozen=True)
class ReadResult:
    """A post, or None when it was rejected or skipped, and what was wrong with it."""

    post: Post | None
    problems: tuple[Problem, ...]
    skipped: str | None = None
    # SHA-256 of the bytes that were parsed ('' when the file could not be read whole): the cache
    # keys the result by these very bytes, not by a second read that a writer could race.
    digest: str = ""


class _Reject(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def find_post_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Every *.md below `folder`, sorted; links that lead outside it are refused."""
    found, problems = walk_posts(folder)
    return [Path(path) for path, _ in found], problems


def walk_posts(folder: Path) -> tuple[list[tuple[str, os.stat_result]], list[Problem]]:
    """Every *.md below `folder` (as a path string) with its stat, sorted; links leading outside are refused.

    os.scandir's entries know their type without a stat, so a large site costs one
    stat per post, and no Path object: this walk runs on every cron run, including
    those that do nothing.
    """
    problems: list[Problem] = []
    found: list[tuple[str, os.stat_result]] = []
    root = folder.resolve()
    pending = [str(root)]
    while pending:
        base = pending.pop()
        try:
            with os.scandir(base) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(
                Problem(shown_path(Path(base)), f"cannot list the folder: {exc.strerror or exc}", "warning")
            )
            continue
        folders: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                link = entry.is_symlink()
                if link and entry.is_dir():
                    inside = _inside(Path(entry.path), root)
                    message = (
                        "symbolic link to a folder is not followed"
                        if inside
                        else "symbolic link leads outside the posts folder; skipped"
                    )
                    problems.append(Problem(shown_path(Path(entry.path)), message, "warning"))
                    continue
                if not entry.name.endswith(".md"):
                    continue
                if link and not _inside(Path(entry.path), root):
                    problems.append(
                        Problem(
                            shown_path(Path(entry.path)),
                            "symbolic link leads outside the posts folder; skipped",
                            "warning",
                        )
                    )
                    continue
                st = entry.stat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                # A named pipe or device would block or never end the read; cron must not hang on it.
                problems.append(Problem(shown_path(Path(entry.path)), "not a regular file; skipped", "warning"))
                continue
            found.append((entry.path, st))
        pending.extend(reversed(folders))
    return found, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def shown_path(path: Path, cwd: Path | None = None) -> str:
    """A path for a problem line, openable from where the build runs; a link is named, not resolved.

    `cwd`: the working folder, resolved, when the caller names many paths (resolving it costs more
    than the rest).
    """
    try:
        return str(path.relative_to(cwd or Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_post(path: Path, config: Config, now: datetime, display: str | None = None) -> ReadResult:
    """Read one file into a Post. Never raises for bad input: problems say what is wrong."""
    shown = display or str(path)
    problems: list[Problem] = []
    try:
        raw = _read_bytes(path, config.limits.max_post_bytes)
    except _Reject as exc:
        return ReadResult(None, (Problem(shown, str(exc), "error", exc.line),))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        post, skipped = _parse(raw, path, config, now, shown, problems)
    except _Reject as exc:
        problems.append(Problem(shown, str(exc), "error", exc.line))
        return ReadResult(None, tuple(problems), digest=digest)
    return ReadResult(post, tuple(problems), skipped, digest)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size <= limit:
            # Read at most one byte over the limit: a file may grow after stat(). read(n) sets aside n
            # bytes first, so asking for the limit (5 MB) costs more than reading a typical post.
            with path.open("rb") as handle:
                raw = handle.read(size + 1)
                if len(raw) > size:
                    raw += handle.read(limit - size)
            size = max(size, len(raw))
        if size > limit:
            raise _Reject(
                f"file is {size:,}{'+' if size == limit + 1 else ''} bytes, over the limit of {limit:,}"
                " (raise limits.max_post_bytes in the config, or split the post)"
            )
    except OSError as exc:
        raise _Reject(f"cannot read the file: {exc.strerror or exc}") from None
    return raw


def _parse(
    raw: bytes, path: Path, config: Config, now: datetime, shown: str, problems: list[Problem]
) -> tuple[Post | None, str | None]:
    text = _decode(raw, shown, problems)
    cleaned, bad = strip_xml_forbidden(text)
    if bad:
        # Point at the first one, so the author can find what an editor may not even show.
        first = first_xml_forbidden(text) or 0
        problems.append(
            Problem(
                shown,
                f"removed {bad} control or non-character code point(s) that XML cannot carry",
                "warning",
                text.count("\n", 0, first) + 1,
            )
        )
    text = cleaned
    if not text.strip():
        raise _Reject("the file is empty (a post starts with '---', front matter, '---', then the text)")
    meta, body, body_line = _split_front_matter(text)
    meta, escaped = _scrub(meta, 0)
    if escaped:
        problems.append(
            Problem(
                shown,
                f"removed {escaped} control or non-character code point(s) written as escapes in the front matter",
                "warning",
            )
        )
    return _to_post(path, meta, body, body_line, config, now, shown, problems)


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str:
    try:
        # surrogatepass: UTF-8 that encodes a lone surrogate (as some tools write) is read, and
        # the surrogate is removed afterwards with the other characters XML cannot carry.
        return raw.decode("utf-8-sig", "surrogatepass")
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = raw[: first_error.start + bom].count(b"\n") + 1
        raise _Reject(
            f"not UTF-8 text (byte 0x{raw[first_error.start + bom]:02x}), nor GB18030; save the file as UTF-8", line
        ) from None
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
    loader = _FrontMatterLoader(head)
    try:
        node = loader.get_single_node()
        if node is not None and _may_be_too_large(head) and _node_count(node) > _MAX_YAML_NODES:
            raise _Reject(f"front matter is too large or nests aliases too deeply (over {_MAX_YAML_NODES} values)", 2)
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if "end of stream" in problem and context_mark is not None:
            # An unclosed quote or bracket is only noticed at the end; where it opened is the mistake.
            mark = context_mark
            problem = f"{context}, {problem}" if context else problem
        line = mark.line + 2 if mark is not None else 2
        if isinstance(exc, yaml.constructor.ConstructorError) and problem.startswith("could not determine"):
            # `!!python/object` and friends: safe loading refuses them; say so rather than blame indentation.
            named = re.search(r"'([^']+)'", problem)
            tag = named.group(1).replace("tag:yaml.org,2002:", "!!") if named else "?"
            raise _Reject(
                f"front matter uses the YAML tag '{tag}', which is not allowed (only text, numbers, dates,"
                " lists and mappings)",
                line,
            ) from None
        raise _Reject(f"front matter is not valid YAML: {problem} (check quoting and indentation)", line) from None
    except RecursionError:
        # The C loader caps nesting itself; the pure-Python one would recurse until Python stops it.
        raise _Reject("front matter nests lists or mappings too deeply", 2) from None
    finally:
        loader.dispose()


def _may_be_too_large(head: str) -> bool:
    """Whether the YAML text could hold more than _MAX_YAML_NODES nodes, aliases expanded.

    Without an alias ('*' is its only indicator) nodes come from the text itself: each takes a
    character of its own, but for empty keys and values and the mapping a key opens, so one
    character gives at most three (a lone '?': a mapping, an empty key, an empty value). Text
    under a quarter of the cap in length cannot pass it, and that spares almost every post the walk.
    """
    return "*" in head or len(head) * 4 > _MAX_YAML_NODES


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


def _scrub(value: Any, depth: int) -> tuple[Any, int]:
    """`value` with the characters XML cannot carry removed from every string in it, and how many went.

    YAML and TOML escapes ("\\x01", "\\u0000") bring back what the raw text was cleaned of, and
    lxml refuses them wherever they land (an author's e-mail, an id). The depth cap keeps every
    later walk over the data (this one, the cache's pickling) far from Python's recursion limit.
    """
    if depth > _MAX_DEPTH:
        raise _Reject(f"front matter nests lists or mappings more than {_MAX_DEPTH} levels deep", 2)
    if isinstance(value, str):
        return strip_xml_forbidden(value)
    removed = 0
    if isinstance(value, dict):
        cleaned: dict[Any, Any] = {}
        for key, item in value.items():
            key, count_key = _scrub(key, depth + 1) if isinstance(key, str) else (key, 0)
            cleaned[key], count = _scrub(item, depth + 1)
            removed += count_key + count
        return cleaned, removed
    if isinstance(value, (list, set, frozenset)):
        items = []
        for item in value:
            item, count = _scrub(item, depth + 1)
            items.append(item)
            removed += count
        return (items if isinstance(value, list) else type(value)(items)), removed
    return value, 0


def _load_toml(head: str) -> Any:
    try:
        return tomllib.loads(head)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11-3.13 give the line only inside the message: "... (at line 3, column 8)".
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise _Reject(f"front matter is not valid TOML: {exc}", line + 1 if line else 2) from None
    except RecursionError:
        # tomllib recurses once per nested array; `a = [[[[...]]]]` would otherwise crash the build.
        raise _Reject("front matter nests lists or tables too deeply", 2) from None


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
    title = clean_line(_text(title_raw) or "")
    if not title:
        # Say what was there: "no title" for `title: [a, b]` would send the author looking in vain.
        found = "no title" if title_key is None else f"'{title_key}' is {_kind(title_raw)}, not one line of text"
        heading = _FIRST_HEADING.search(body)
        title = clean_line(heading.group(1)) if heading else ""
        if not title:
            raise _Reject(f"{found}: add 'title: ...' to the front matter")
        problems.append(Problem(shown, f"{found}; using the first heading '{title}'", "warning"))

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
    authors = _authors(meta, keys.authors, config, shown, problems)

    slug_key, slug_raw = _first(meta, keys.slug)
    stem = path.parent.name if path.stem in ("index", "_index") else path.stem
    slug_text = (_text(slug_raw) or "").strip()
    slug = slugify(slug_text) if slug_text else slugify(stem)

    permalink = _permalink(meta, keys.permalink, config, slug, published, shown, problems)
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


def _permalink(
    meta: dict[str, Any],
    keys: tuple[str, ...],
    config: Config,
    slug: str,
    published: datetime,
    shown: str,
    problems: list[Problem],
) -> str:
    key, raw = _first(meta, keys)
    if isinstance(raw, str) and raw.strip():
        url = _web_url(raw.strip(), config.base_url)
        if url is not None:
            return url
        problems.append(
            Problem(shown, f"'{key}' is not an http(s) URL or a path; using {config.site.permalink!r}", "warning")
        )
    pattern = config.site.permalink
    local = published.astimezone(config.tz)
    relative = pattern.format(slug=slug, year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}")
    return _absolute(relative, config.base_url)


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
