"""Hugo shortcodes (https://gohugo.io/content-management/shortcodes/), rendered or removed.

`{{< name args >}}` and `{{% name args %}}`, self-closing `{{< name />}}`, paired with
`{{< /name >}}`; `{{</* … */>}}` is Hugo's way of writing a shortcode as text, everywhere (code
included), and stays that text. Rendered, as Hugo's embedded templates do
(https://gohugo.io/shortcodes/): `figure` (<figure><img><figcaption>), `youtube` and `vimeo`
(an iframe from www.youtube-nocookie.com, player.vimeo.com), `gist` (a link), `highlight` (a fenced
code block), `ref` and `relref` (the target's URL when it is a post found relative to this one or
to the content folder, else its path), `x` and `tweet` (a link to the post), `details`. Any other
shortcode is removed with a warning, the inner text of a paired one (`{{% alert %}}…{{% /alert %}}`)
kept as Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

from .core import Pass, Tag, esc, img, link
from .liquid import Block, Handler, walk

# A shortcode; its arguments never run past a brace, so a scan costs linear time.
_SHORTCODE = re.compile(
    r"\{\{([<%])[ \t\r\n]*(/)?[ \t\r\n]*([\w./-]+)"
    r"((?:\"[^\"{}]*\"|`[^`{}]*`|[^\"`{}<>%])*?)[ \t\r\n]*(/)?[ \t\r\n]*[>%]\}\}"
)
_ESCAPED = re.compile(r"\{\{([<%])/\*((?:[^*{}]|\*(?!/))*)\*/([>%])\}\}")
_ARG = re.compile(r'(?:([\w-]+)=)?(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+))')


def arguments(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named arguments, quotes taken off."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for m in _ARG.finditer(text):
        key, quoted, raw, bare = m.groups()
        value = quoted.replace('\\"', '"') if quoted is not None else raw if raw is not None else bare
        if key:
            named[key] = value
        else:
            positional.append(value)
    return positional, named


def find(text: str) -> list[Tag]:
    return [
        Tag(m.start(), m.end(), m.group(3), m.group(4).strip(), closing=m.group(2) is not None, alone=bool(m.group(5)))
        for m in _SHORTCODE.finditer(text)
    ]


def _args(tag: Tag) -> tuple[list[str], dict[str, str]]:
    return arguments(tag.args)


def _figure(tag: Tag, words: list[str], state: Pass) -> str | None:
    _, named = _args(tag)
    src = named.get("src", "")
    if not src:
        return None
    picture = img(src, named.get("alt", ""), "", named.get("width", ""), named.get("height", ""))
    if named.get("link"):
        picture = f'<a href="{esc(named["link"])}">{picture}</a>'
    caption = ""
    if named.get("title") or named.get("caption"):
        title = f"<h4>{esc(named['title'])}</h4>" if named.get("title") else ""
        caption = f"<figcaption>{title}{esc(named.get('caption', ''))}</figcaption>"
    return state.block(f"<figure>{picture}{caption}</figure>")


def _youtube(tag: Tag, words: list[str], state: Pass) -> str | None:
    positional, named = _args(tag)
    video = named.get("id") or (positional[0] if positional else "")
    if not re.fullmatch(r"[\w-]{1,64}", video):
        return None
    return state.iframe(f"https://www.youtube-nocookie.com/embed/{video}", "560", "315")


def _vimeo(tag: Tag, words: list[str], state: Pass) -> str | None:
    positional, named = _args(tag)
    video = named.get("id") or (positional[0] if positional else "")
    if not re.fullmatch(r"\d{1,20}", video):
        return None
    return state.iframe(f"https://player.vimeo.com/video/{video}", "640", "360")


def _gist(tag: Tag, words: list[str], state: Pass) -> str | None:
    positional, named = _args(tag)
    user = named.get("user") or (positional[0] if positional else "")
    gist = named.get("id") or (positional[1] if len(positional) > 1 else "")
    if not user or not gist:
        return None
    url = f"https://gist.github.com/{user}/{gist}"
    return state.block(f"<p>{link(url, url)}</p>")


def _x(tag: Tag, words: list[str], state: Pass) -> str | None:
    _, named = _args(tag)
    user, post = named.get("user", ""), named.get("id", "")
    if not re.fullmatch(r"\w{1,30}", user) or not re.fullmatch(r"\d{1,25}", post):
        return None
    url = f"https://x.com/{user}/status/{post}"
    return state.block(f"<p>{link(url, url)}</p>")


def ref_url(target: str, state: Pass) -> str:
    """`ref`/`relref`: the URL of the post at `target` (relative to this post, else to the content
    folder; a bundle's folder stands for its index), else `target` itself."""
    path, hash_, anchor = target.partition("#")
    fragment = hash_ + anchor
    if not path:
        return target
    posts = state.config.posts_dir()
    here = state.source.parent if state.source is not None else posts
    bases = [posts / path.lstrip("/")] if path.startswith("/") else [here / path, posts / path]
    for base in bases:
        for candidate in (base, base / "index.md", base / "_index.md", Path(f"{base}.md")):
            if candidate.is_file():
                url = state.post_url(candidate)
                if url is not None:
                    return url + fragment
    return target


def _ref(tag: Tag, words: list[str], state: Pass) -> str | None:
    positional, named = _args(tag)
    target = named.get("path") or (positional[0] if positional else "")
    return state.literal(ref_url(target, state)) if target else None


def _highlight(tag: Tag, words: list[str], inner: str, state: Pass) -> str:
    positional, _ = _args(tag)
    return state.code(inner, positional[0] if positional else "")


def _details(tag: Tag, words: list[str], inner: str, state: Pass) -> str:
    _, named = _args(tag)
    summary = esc(named.get("summary", "Details"))
    return (
        "\n\n" + state.inline(f"<details><summary>{summary}</summary>") + "\n\n"
        + inner.strip("\n") + "\n\n" + state.inline("</details>") + "\n\n"
    )  # fmt: skip


HANDLERS: dict[str, Handler] = {
    "figure": _figure,
    "youtube": _youtube,
    "vimeo": _vimeo,
    "gist": _gist,
    "ref": _ref,
    "relref": _ref,
    "x": _x,
    "tweet": _x,
}
BLOCKS: dict[str, Block] = {"highlight": _highlight, "details": _details}


def escapes(text: str, state: Pass) -> str:
    """`{{</* name */>}}` → `{{< name >}}` as text, out of reach of the shortcode pass."""
    return _ESCAPED.sub(lambda m: state.literal("{{" + m.group(1) + m.group(2) + m.group(3) + "}}"), text)


def transform(text: str, state: Pass) -> str:
    def label(name: str) -> str:
        return "{{< " + name + " >}}"

    return walk(text, state, HANDLERS, BLOCKS, label, find(text), quiet_pairs=True, literal=("highlight",))
