"""Pelican's link targets and its liquid_tags plugin.

Link targets (https://docs.getpelican.com/en/latest/content.html#linking-to-internal-content):
`{filename}path` and `{static}path` (and `{attach}`, the older `|filename|`), relative to the post's
folder or, with a leading `/`, to the content folder, become the target article's URL by the
site's rules, else the file's path under the site (where Pelican copies static files by default).

liquid_tags (https://github.com/pelican-plugins/liquid-tags) tags, rendered as the plugin renders
them: `img`, `video`, `youtube`, `vimeo`, `literal` (the tag it names, as code). Removed with a
warning: `include_code` and `notebook` (their files are not part of the post) and every other tag.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from .core import Pass, Tag, esc, img
from .liquid import Handler, walk

_TARGET = re.compile(r"(?:\{(filename|static|attach)\}|\|(filename|static|attach)\|)([^\s)\"'<>#?\]]*)")
_SIZE = re.compile(r"^\d+(?:px|%)?$")


def target_url(kind: str, path: str, state: Pass) -> str:
    """The URL of `{kind}path`: an article's permalink, else the file's path under the site."""
    posts = state.config.posts_dir()
    if path.startswith("/"):
        rel = path.lstrip("/")
    else:
        here = state.source.parent if state.source is not None else posts
        try:
            folder = here.resolve().relative_to(posts).as_posix()
        except ValueError:
            folder = ""
        rel = posixpath.normpath(posixpath.join(folder, path)) if folder else posixpath.normpath(path)
    if not rel or rel.startswith("..") or rel == ".":
        return path
    if kind == "filename":
        found = state.post_url(posts / rel)
        if found is not None:
            return found
    base = urlsplit(state.config.site.base_url).path.rstrip("/")
    return f"{base}/{rel}"


def link_targets(text: str, state: Pass) -> str:
    return _TARGET.sub(lambda m: state.literal(target_url(m.group(1) or m.group(2), m.group(3), state)), text)


def _img(tag: Tag, args: list[str], state: Pass) -> str | None:
    """`{% img [class name(s)] [http[s]:/]/path/to/image [width [height]] [title text] %}`."""
    while args and not re.match(r"(https?:)?/|\w[\w./-]*\.\w+$", args[0]):
        args = args[1:]
    if not args:
        return None
    src, rest = args[0], args[1:]
    sizes: list[str] = []
    while rest and _SIZE.match(rest[0]) and len(sizes) < 2:
        sizes.append(rest[0].removesuffix("px"))
        rest = rest[1:]
    title = " ".join(rest)
    width, height = ([*sizes, "", ""])[:2]
    return state.inline(img(src, title, title, width, height))


def _video(tag: Tag, args: list[str], state: Pass) -> str | None:
    """`{% video url/to/video [width height] [url/to/poster] %}` → <video>, as liquid_tags' video.py."""
    if not args:
        return None
    src, rest = args[0], args[1:]
    width, height = ([*rest[:2], "", ""])[:2] if len(rest) >= 2 else ("", "")
    poster = rest[2] if len(rest) > 2 else ""
    kind = {"mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}.get(src.rpartition(".")[2].lower(), "")
    attrs = "".join(f' {k}="{esc(v)}"' for k, v in (("width", width), ("height", height)) if v.isdigit())
    if poster:
        attrs += f' poster="{esc(poster)}"'
    source = f'<source src="{esc(src)}"' + (f' type="{kind}"' if kind else "") + ">"
    return state.block(f"<video controls{attrs}>{source}</video>")


def _youtube(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args or not re.fullmatch(r"[\w-]{1,64}", args[0]):
        return None
    return state.iframe(f"https://www.youtube-nocookie.com/embed/{args[0]}", *([*args[1:3], "640", "390"])[:2])


def _vimeo(tag: Tag, args: list[str], state: Pass) -> str | None:
    if not args or not re.fullmatch(r"\d{1,20}", args[0]):
        return None
    return state.iframe(f"https://player.vimeo.com/video/{args[0]}", *([*args[1:3], "640", "390"])[:2])


def _literal(tag: Tag, args: list[str], state: Pass) -> str | None:
    return state.inline("<code>" + esc("{% " + tag.args + " %}") + "</code>")


HANDLERS: dict[str, Handler] = {
    "img": _img,
    "video": _video,
    "youtube": _youtube,
    "vimeo": _vimeo,
    "literal": _literal,
}


def escapes(text: str, state: Pass) -> str:
    return text


def transform(text: str, state: Pass) -> str:
    return walk(link_targets(text, state), state, HANDLERS, {})
