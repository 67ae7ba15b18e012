"""Zola shortcodes (https://www.getzola.org/documentation/content/shortcodes/).

`{{ name(args) }}` inline, `{% name(args) %}…{% end %}` with a body; `{{/* … */}}` and
`{%/* … */%}` are Zola's way of writing one as text, and stay that text. Rendered: the shortcodes
Zola once shipped built in and themes still carry, `youtube(id=…)`, `vimeo(id=…)` (an iframe from
www.youtube-nocookie.com, player.vimeo.com), `gist(url=…)` and `streamable(id=…)` (a link); a body
shortcode's body is kept as Markdown. Any other inline shortcode is removed with a warning.
Tera's own `{{ variable }}` (no parentheses) means nothing in Zola content and is left as written.
"""

from __future__ import annotations

import re

from .core import Pass, Tag, link
from .liquid import Handler, walk

_INLINE = re.compile(
    r"\{\{-?[ \t\r\n]*([A-Za-z_]\w*)\(((?:\"[^\"{}]*\"|'[^'{}]*'|`[^`{}]*`|[^\"'`(){}])*)\)[ \t\r\n]*-?\}\}"
)
_BODY = re.compile(
    r"\{%-?[ \t\r\n]*(?:(end)|([A-Za-z_]\w*)\(((?:\"[^\"{}]*\"|'[^'{}]*'|`[^`{}]*`|[^\"'`(){}%])*)\))[ \t\r\n]*-?%\}"
)
_ESCAPED = re.compile(r"\{([{%])/\*((?:[^*{}]|\*(?!/))*)\*/([}%])\}")
_ARG = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`|([^,\s]+))""")


def arguments(text: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _ARG.finditer(text)}


def _youtube(tag: Tag, words: list[str], state: Pass) -> str | None:
    video = arguments(tag.args).get("id", "")
    if not re.fullmatch(r"[\w-]{1,64}", video):
        return None
    return state.iframe(f"https://www.youtube-nocookie.com/embed/{video}", "560", "315")


def _vimeo(tag: Tag, words: list[str], state: Pass) -> str | None:
    video = arguments(tag.args).get("id", "")
    if not re.fullmatch(r"\d{1,20}", video):
        return None
    return state.iframe(f"https://player.vimeo.com/video/{video}", "640", "360")


def _gist(tag: Tag, words: list[str], state: Pass) -> str | None:
    url = arguments(tag.args).get("url", "")
    if not re.match(r"https://gist\.github\.com/", url):
        return None
    return state.block(f"<p>{link(url, url)}</p>")


def _streamable(tag: Tag, words: list[str], state: Pass) -> str | None:
    video = arguments(tag.args).get("id", "")
    if not re.fullmatch(r"\w{1,32}", video):
        return None
    url = f"https://streamable.com/{video}"
    return state.block(f"<p>{link(url, url)}</p>")


HANDLERS: dict[str, Handler] = {"youtube": _youtube, "vimeo": _vimeo, "gist": _gist, "streamable": _streamable}


def _find(text: str) -> tuple[list[Tag], list[int | None]]:
    """Both kinds of shortcode in order, each body opener paired with its `{% end %}` (they nest)."""
    found: list[tuple[int, Tag]] = []
    for m in _INLINE.finditer(text):
        found.append((m.start(), Tag(m.start(), m.end(), m.group(1), m.group(2), alone=True)))
    for m in _BODY.finditer(text):
        if m.group(1):
            found.append((m.start(), Tag(m.start(), m.end(), "end", "", closing=True)))
        else:
            found.append((m.start(), Tag(m.start(), m.end(), m.group(2), m.group(3))))
    found.sort(key=lambda item: item[0])
    tags: list[Tag] = []
    end = -1
    for _, tag in found:
        # `{% x() %}` inside `{{ … }}` cannot both be; the first one found wins.
        if tag.start >= end:
            tags.append(tag)
            end = tag.end
    partners: list[int | None] = [None] * len(tags)
    stack: list[int] = []
    for k, tag in enumerate(tags):
        if tag.closing:
            if stack:
                partners[stack.pop()] = k
        elif not tag.alone:
            stack.append(k)
    return tags, partners


def escapes(text: str, state: Pass) -> str:
    return _ESCAPED.sub(lambda m: state.literal("{" + m.group(1) + m.group(2) + m.group(3) + "}"), text)


def transform(text: str, state: Pass) -> str:
    tags, partners = _find(text)
    body = {tags[k].name for k, other in enumerate(partners) if other is not None}

    def label(name: str) -> str:
        return "{{ " + name + "() }}"

    handlers = dict(HANDLERS)
    for name in body - handlers.keys():
        handlers[name] = _kept
    return walk(text, state, handlers, {}, label, tags, partners=partners)


def _kept(tag: Tag, words: list[str], state: Pass) -> str:
    return ""
