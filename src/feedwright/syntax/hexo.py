"""Hexo's tag plugins (https://hexo.io/docs/tag-plugins), Nunjucks-style `{% name args %}`.

Rendered as Hexo's own plugins render them: `codeblock`/`code` (a fenced code block; `lang:x`
names the language), `raw` (its text as written), `blockquote` and `pullquote` (a quote),
`asset_img`, `asset_link`, `asset_path` (relative to the post's URL, which a post asset folder
resolves against), `post_link`, `post_path` (the post's URL by the site's rules, else the link's
text), `youtube`, `vimeo`, `iframe` (an embedded player when the sanitiser lets its host through,
else a link), `img`, `link`. Any other tag is removed with a warning, a block tag's inner text kept.
Hexo never runs tags inside code blocks, so code is left as written.
"""

from __future__ import annotations

import re

from .core import Pass, Tag, esc, img, link, quote_lines
from .liquid import Block, Handler, walk

_CSS = re.compile(r"^[\w-]+$")
_SIZE = re.compile(r"^\d+%?$")


def _option(args: list[str], key: str) -> tuple[str, list[str]]:
    """A `key:value` argument's value, and the arguments without it."""
    for k, arg in enumerate(args):
        if arg.startswith(key + ":"):
            return arg[len(key) + 1 :], args[:k] + args[k + 1 :]
    return "", args


def _codeblock(tag: Tag, args: list[str], inner: str, state: Pass) -> str:
    language, _ = _option(args, "lang")
    return state.code(inner, language)


def _blockquote(tag: Tag, args: list[str], inner: str, state: Pass) -> str:
    """`{% blockquote [author[, source]] [link] [source_link_title] %}`: the quote, then who said it."""
    quote = quote_lines(inner)
    words = [a for a in args if not a.startswith("class:")]
    url = next((w for w in words if re.match(r"https?://", w)), "")
    said = " ".join(w for w in words if w != url).strip()
    if said or url:
        who = esc(said) if said else ""
        if url:
            who = (who + " " if who else "") + link(url, url)
        quote += "\n>\n> " + state.inline(f"<cite>— {who}</cite>")
    return "\n\n" + quote + "\n\n"


def _img_parts(args: list[str]) -> tuple[str, list[str], list[str]]:
    """`[class names] src [width] [height] [title text [alt text]]` → css, (src, w, h), rest."""
    css: list[str] = []
    while len(args) > 1 and _CSS.match(args[0]) and "." not in args[0] and "/" not in args[0]:
        css.append(args[0])
        args = args[1:]
    if not args:
        return " ".join(css), [], []
    src, rest = args[0], args[1:]
    sizes: list[str] = []
    while rest and _SIZE.match(rest[0]) and len(sizes) < 2:
        sizes.append(rest[0])
        rest = rest[1:]
    return " ".join(css), [src, *sizes], rest


def _img(tag: Tag, args: list[str], state: Pass) -> str | None:
    _css, parts, rest = _img_parts(args)
    if not parts:
        return None
    title, alt = ([*rest, "", ""])[:2] if len(rest) <= 2 else (" ".join(rest), "")
    width, height = ([*parts[1:], "", ""])[:2]
    return state.inline(img(parts[0], alt or title, title, width, height))


def _asset_img(tag: Tag, args: list[str], state: Pass) -> str | None:
    """`{% asset_img [class] slug [width] [height] [title text [alt text]] %}` (hexo's asset_img.ts:
    title and alt are the quoted rest, split at the first space inside it when alt is not given)."""
    _css, parts, rest = _img_parts(args)
    if not parts:
        return None
    title = " ".join(rest)
    alt = rest[1] if len(rest) > 1 else title
    width, height = ([*parts[1:], "", ""])[:2]
    return state.inline(img(parts[0], alt, rest[0] if rest else "", width, height))


def _asset_link(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args:
        return None
    text = " ".join(args[1:]) or args[0]
    return state.inline(link(args[0], text))


def _asset_path(tag: Tag, args: list[str], state: Pass) -> str | None:
    return state.literal(args[0]) if args else None


def _post_of(slug: str, state: Pass) -> tuple[str, str] | None:
    """The URL and title of the post whose slug (file path under _posts, no extension) is `slug`."""
    posts = state.config.posts_dir()
    if not slug or ".." in slug.split("/"):
        return None
    from ..generators.hexo import HEXO_MARKDOWN

    for ext in HEXO_MARKDOWN:
        found = state.post(posts / f"{slug}{ext}")
        if found is not None:
            return found.permalink, found.title
    return None


def _post_link(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args:
        return None
    found = _post_of(args[0], state)
    words = [a for a in args[1:] if a not in ("true", "false")]
    text = " ".join(words)
    if found is None:
        return state.literal(esc(text or args[0]))
    return state.inline(link(found[0], text or found[1]))


def _post_path(tag: Tag, args: list[str], state: Pass) -> str | None:
    found = _post_of(args[0], state) if args else None
    return state.literal(found[0]) if found is not None else None


def _youtube(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args or not re.fullmatch(r"[\w-]{1,64}", args[0]):
        return None
    kind = "videoseries?list=" if len(args) > 1 and args[1] == "playlist" else ""
    return state.iframe(f"https://www.youtube-nocookie.com/embed/{kind}{args[0]}", "560", "315")


def _vimeo(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args or not re.fullmatch(r"\d{1,20}", args[0]):
        return None
    return state.iframe(f"https://player.vimeo.com/video/{args[0]}", "640", "360")


def _iframe(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args or not re.match(r"https?://", args[0]):
        return None
    return state.iframe(args[0], *([*args[1:3], "", ""])[:2])


def _link(tag: Tag, args: list[str], state: Pass) -> str | None:
    """`{% link text url [external] [title] %}`."""
    at = next((k for k, a in enumerate(args) if re.match(r"(https?:)?/", a)), None)
    if at is None:
        return None
    text = " ".join(args[:at]) or args[at]
    return state.inline(link(args[at], text))


def _raw(tag: Tag, args: list[str], inner: str, state: Pass) -> str:
    return state.literal(inner)


HANDLERS: dict[str, Handler] = {
    "img": _img,
    "image": _img,
    "asset_img": _asset_img,
    "asset_image": _asset_img,
    "asset_link": _asset_link,
    "asset_path": _asset_path,
    "post_link": _post_link,
    "post_path": _post_path,
    "youtube": _youtube,
    "vimeo": _vimeo,
    "iframe": _iframe,
    "link": _link,
}
BLOCKS: dict[str, Block] = {
    "codeblock": _codeblock,
    "code": _codeblock,
    "blockquote": _blockquote,
    "quote": _blockquote,
    "pullquote": _blockquote,
    "raw": _raw,
}


def escapes(text: str, state: Pass) -> str:
    # Hexo escapes code blocks before it renders tags: `{% raw %}` in code is code.
    return text


def transform(text: str, state: Pass) -> str:
    return walk(text, state, HANDLERS, BLOCKS, literal=("codeblock", "code", "raw"))
