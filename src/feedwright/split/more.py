"""The "more" marker (`<!-- more -->`): the text above it is the post's summary.

The marker is an HTML comment, which the sanitiser removes with every other comment; so before
rendering it is swapped for a word no text holds, and after rendering the HTML is cut there.
"""

from __future__ import annotations

import re
from typing import Any

from ..config import Config
from ..generators import rules_for

MARK = "feedwrightmoremarkq7x"
# A fenced code block opens with three or more backticks or tildes (CommonMark 4.5).
_FENCE = re.compile(r"`{3,}|~{3,}")


def separators(meta: dict[str, Any], config: Config) -> tuple[str, ...]:
    """The post's own (Jekyll's front matter `excerpt_separator`), the config's, or the generator's."""
    own = meta.get("excerpt_separator")
    if isinstance(own, str) and own.strip():
        return (own.strip(),)
    if config.generator.summary_separator:
        return (config.generator.summary_separator,)
    return rules_for(config).summary_separators


def mark_more(body: str, found: tuple[str, ...]) -> str | None:
    """`body` with its first marker outside code replaced by MARK, or None when it has none."""
    if not any(s in body for s in found):
        return None
    at = 0
    fence = ""
    for line in body.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        opener = _FENCE.match(stripped)
        if fence:
            if stripped.startswith(fence) and not stripped[len(fence) :].strip(fence[0]).strip():
                fence = ""
        elif opener:
            fence = opener.group(0)
        elif not line.startswith(("    ", "\t")):
            hit = _first_outside_code_span(line, found)
            if hit is not None:
                start, sep = hit
                return body[: at + start] + MARK + body[at + start + len(sep) :]
        at += len(line)
    return None


def _first_outside_code_span(line: str, found: tuple[str, ...]) -> tuple[int, str] | None:
    hits = sorted((i, s) for s in found for i in _all(line, s))
    for i, sep in hits:
        if line.count("`", 0, i) % 2 == 0:
            return i, sep
    return None


def _all(text: str, sub: str) -> list[int]:
    found, at = [], text.find(sub)
    while at >= 0:
        found.append(at)
        at = text.find(sub, at + 1)
    return found


def cut_more(html: str) -> tuple[str, str]:
    """Rendered HTML holding MARK → (the HTML without it, the HTML above it)."""
    at = html.find(MARK)
    if at < 0:
        return html, ""
    return html.replace(f"<p>{MARK}</p>\n", "").replace(f"<p>{MARK}</p>", "").replace(MARK, ""), html[:at]
