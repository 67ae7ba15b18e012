"""Start tags of HTML rewritten in place: found by an HTML parser, spliced back by position.

Text that merely reads like a tag (a code sample) is never taken for one, and everything but the
tags that change is kept byte for byte. markup.py resolves URL attributes with it, lazyimages.py
promotes lazy-load attributes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

Attrs = list[tuple[str, str | None]]
_NEWLINE = re.compile("\n")


class _Finder(HTMLParser):
    """Each start tag `wanted` accepts: (line, column, its text, its name, its attributes)."""

    def __init__(self, wanted: Callable[[str, Attrs], bool]) -> None:
        super().__init__(convert_charrefs=True)
        self._wanted = wanted
        self.tags: list[tuple[int, int, str, str, Attrs]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if self._wanted(tag, attrs):
            line, column = self.getpos()
            self.tags.append((line, column, self.get_starttag_text() or "", tag, attrs))


def rewrite_start_tags(
    html: str, wanted: Callable[[str, Attrs], bool], fix: Callable[[str, str, Attrs], str | None]
) -> str:
    """`html` with each start tag `wanted` accepts replaced by `fix(text, name, attrs)`, unless that is None."""
    finder = _Finder(wanted)
    finder.feed(html)
    finder.close()
    if not finder.tags:
        return html
    line_starts = [0]
    line_starts.extend(m.end() for m in _NEWLINE.finditer(html))
    parts: list[str] = []
    done = 0
    for line, column, text, tag, attrs in finder.tags:
        fixed = fix(text, tag, attrs)
        if fixed is None or fixed == text:
            continue
        start = line_starts[line - 1] + column
        if html[start : start + len(text)] != text:  # never rewrite what was not found where it was
            continue
        parts += (html[done:start], fixed)
        done = start + len(text)
    if not parts:
        return html
    parts.append(html[done:])
    return "".join(parts)
