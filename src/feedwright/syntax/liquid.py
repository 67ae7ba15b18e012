"""Liquid tags as Jekyll renders them (https://jekyllrb.com/docs/liquid/tags/), and the tag walker
that Pelican's liquid_tags and Hexo's Nunjucks-like tag plugins share.

Jekyll runs Liquid over the whole file before Markdown, so `{% raw %}…{% endraw %}` is unwrapped
everywhere, code included (that is how a Jekyll post shows Liquid in code); every other tag inside
code is left as written. Rendered: `highlight` (a fenced code block with its language), `raw`,
`post_url` and `link` (the target's URL by the site's rules), `comment` (dropped quietly), and the
output tags `{{ site.url }}`, `{{ site.baseurl }}`, `{{ "…" | relative_url }}`, `absolute_url`.
Removed with a warning: everything else (`include`, `assign`, `if`, …), the inner text of a block
tag kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from .core import Pass, Tag, pair
from .kramdown import transform as kramdown

# A tag: `{%`, an optional `end`, the name, its arguments (never past a `{`, `}` or the tag's end).
TAG = re.compile(r"\{%-?[ \t\r\n]*(end)?([A-Za-z_][\w-]*)((?:[^%{}]|%(?!\}))*?)-?%\}")
_RAW = re.compile(r"\{%-?[ \t\r\n]*(end)?raw[ \t\r\n]*-?%\}")
# An output tag `{{ … }}`, its text never past a brace.
_OUTPUT = re.compile(r"\{\{-?((?:[^{}])*?)-?\}\}")
_WORD = re.compile(r'"([^"]*)"|\'([^\']*)\'|(\S+)')
_MAX_DEPTH = 32

Handler = Callable[[Tag, list[str], Pass], "str | None"]
Block = Callable[[Tag, list[str], str, Pass], str]


def words(args: str) -> list[str]:
    """A tag's arguments, split on spaces, quotes taken off."""
    return [next(g for g in m.groups() if g is not None) for m in _WORD.finditer(args)]


def find_tags(text: str, pattern: re.Pattern[str] = TAG) -> list[Tag]:
    return [
        Tag(m.start(), m.end(), m.group(2), m.group(3).strip(), closing=m.group(1) is not None)
        for m in pattern.finditer(text)
    ]


def unwrap_raw(text: str, state: Pass) -> str:
    """`{% raw %}…{% endraw %}` → its text, as written and out of reach of every later pass."""
    out: list[str] = []
    pos = 0
    opened: int | None = None
    inner_from = 0
    for m in _RAW.finditer(text):
        if m.group(1) is None and opened is None:
            opened, inner_from = m.start(), m.end()
        elif m.group(1) is not None and opened is not None:
            out.append(text[pos:opened])
            out.append(state.literal(text[inner_from : m.start()]))
            pos, opened = m.end(), None
    out.append(text[pos:])
    return "".join(out)


def walk(
    text: str,
    state: Pass,
    handlers: dict[str, Handler],
    blocks: dict[str, Block],
    label: Callable[[str], str] = lambda name: "{% " + name + " %}",
    tags: list[Tag] | None = None,
    quiet_pairs: bool = False,
    literal: tuple[str, ...] = (),
    partners: list[int | None] | None = None,
) -> str:
    """Every tag in `text` rendered by its handler, or removed (inner text kept) and named.

    With `quiet_pairs`, a paired tag without a handler (Hugo's `{{% alert %}}…{{% /alert %}}`)
    counts as rendered: its inner text is what it shows.
    """
    found = find_tags(text) if tags is None else tags
    partners = pair(found) if partners is None else partners
    if quiet_pairs:
        keep = dict(handlers)
        for k, tag in enumerate(found):
            if partners[k] is not None and tag.name not in handlers and tag.name not in blocks:
                keep[tag.name] = _empty
        handlers = keep
    return _walk(text, 0, len(text), found, partners, 0, len(found), state, handlers, blocks, label, literal, 0)


def _empty(tag: Tag, args: list[str], state: Pass) -> str:
    return ""


def _walk(
    text: str,
    lo: int,
    hi: int,
    tags: list[Tag],
    partners: list[int | None],
    k: int,
    k_hi: int,
    state: Pass,
    handlers: dict[str, Handler],
    blocks: dict[str, Block],
    label: Callable[[str], str],
    literal: tuple[str, ...],
    depth: int,
) -> str:
    out: list[str] = []
    pos = lo
    while k < k_hi:
        tag = tags[k]
        out.append(text[pos : tag.start])
        pos = tag.end
        other = partners[k]
        if tag.closing:
            k += 1
            continue
        if tag.name in blocks and other is not None and other < k_hi:
            if depth < _MAX_DEPTH and tag.name not in literal:
                inner = _walk(
                    text, tag.end, tags[other].start, tags, partners, k + 1, other,
                    state, handlers, blocks, label, literal, depth + 1,
                )  # fmt: skip
            else:
                inner = text[tag.end : tags[other].start]
            out.append(blocks[tag.name](tag, words(tag.args), inner, state))
            pos, k = tags[other].end, other + 1
            continue
        handler = handlers.get(tag.name)
        rendered = handler(tag, words(tag.args), state) if handler is not None else None
        if rendered is None:
            state.drop(label(tag.name))
            rendered = ""
        out.append(rendered)
        k += 1
    out.append(text[pos:hi])
    return "".join(out)


def literal_block(language_of: Callable[[list[str]], str]) -> Block:
    """A block tag whose text is code, as written (tags inside it are not rendered)."""

    def render(tag: Tag, args: list[str], inner: str, state: Pass) -> str:
        return state.code(inner, language_of(args))

    return render


def dropped_block(tag: Tag, args: list[str], inner: str, state: Pass) -> str:
    return ""


# -- Jekyll -----------------------------------------------------------------------------------------


def _base_path(state: Pass) -> str:
    return urlsplit(state.config.site.base_url).path.rstrip("/")


def _jekyll_post(name: str, state: Pass) -> str | None:
    """`{% post_url [folder/]2010-07-21-name %}`: the post's URL, from its file in the posts folder."""
    posts = state.config.posts_dir()
    name = name.strip().strip("/")
    if not name or ".." in name.split("/"):
        return None
    rules_ext = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown", ".html")
    folder, _, stem = name.rpartition("/")
    for ext in rules_ext:
        for base in (posts / folder, posts.parent / folder / "_posts") if folder else (posts,):
            url = state.post_url(base / f"{stem}{ext}")
            if url is not None:
                return url
    try:
        for path in sorted(posts.rglob(f"{stem}.*")):
            url = state.post_url(path)
            if url is not None:
                return url
    except (OSError, ValueError):
        pass
    return _url_from_name(name, state)


def _url_from_name(name: str, state: Pass) -> str | None:
    """The URL Jekyll's rules give a post file of that name (its date and title), for a post not here."""
    from ..generators.base import PostPlace
    from ..generators.jekyll import Rules

    rules = Rules(state.config)
    rel = f"{name}.md"
    date = rules.path_date(rel)
    if date is None:
        return None
    when = datetime.fromisoformat(date).replace(tzinfo=state.config.tz)
    path = rules.permalink({}, PostPlace(rel, rules.slug({}, rel, ""), "", when))
    return _joined(path, state.config.site.base_url)


def _joined(path: str, base: str) -> str:
    """A site path under base_url, as read/fields.py makes a permalink absolute."""
    parts = urlsplit(base)
    prefix = parts.path.rstrip("/")
    if prefix and not path.startswith(prefix + "/"):
        path = prefix + path
    return f"{parts.scheme}://{parts.netloc}{path}"


def _post_url(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args:
        return None
    found = _jekyll_post(args[0], state)
    return state.literal(found) if found is not None else None


def _link(tag: Tag, args: list[str], state: Pass) -> str | None:
    """`{% link path/from/site/root.md %}`: a post's URL, else the page's as Jekyll gives it by default."""
    if not args:
        return None
    rel = args[0].strip().lstrip("/")
    if not rel or ".." in rel.split("/"):
        return None
    url = state.post_url(state.config.root / rel)
    if url is None:
        folder, _, name = rel.rpartition("/")
        stem = name.rpartition(".")[0] or name
        parts = [p.removeprefix("_") for p in folder.split("/") if p]
        url = _base_path(state) + "/" + "/".join([*parts, stem]) + ".html"
    return state.literal(url)


JEKYLL_HANDLERS: dict[str, Handler] = {"post_url": _post_url, "link": _link}
JEKYLL_BLOCKS: dict[str, Block] = {
    "highlight": literal_block(lambda args: args[0] if args else ""),
    "comment": dropped_block,
}


def output_tags(text: str, state: Pass) -> str:
    """`{{ site.baseurl }}`, `{{ site.url }}`, `{{ "/x" | relative_url }}` rendered; other output tags removed."""
    base = state.config.site.base_url.rstrip("/")
    path = _base_path(state)
    origin = base[: len(base) - len(path)] if path and base.endswith(path) else base

    def one(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        value, _, filters = expr.partition("|")
        value, filters = value.strip(), filters.strip()
        quoted = re.fullmatch(r"""["']([^"']*)["']""", value)
        if value == "site.baseurl" and not filters:
            return state.literal(path)
        if value == "site.url" and not filters:
            return state.literal(origin)
        if quoted and filters in ("relative_url", "absolute_url"):
            target = quoted.group(1)
            if "://" not in target:
                target = path + "/" + target.lstrip("/")
                if filters == "absolute_url":
                    target = origin + target
            return state.literal(target)
        name = re.match(r"[\w.]*", value)
        return state.drop("{{ " + (name.group() if name and name.group() else "…") + " }}")

    return _OUTPUT.sub(one, text)


def escapes(text: str, state: Pass) -> str:
    return unwrap_raw(text, state)


def transform(text: str, state: Pass) -> str:
    text = walk(text, state, JEKYLL_HANDLERS, JEKYLL_BLOCKS, literal=("highlight", "comment"))
    return kramdown(output_tags(text, state), state)
