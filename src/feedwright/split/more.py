"""The "more" marker (`<!-- more -->`): the text above it is the post's summary.

The marker is an HTML comment, which the sanitiser removes with every other comment; so before
rendering it is swapped for a word no text holds, and after rendering the HTML is cut there.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..generators import rules_for

MARK = "feedwrightmoremarkq7x"


def separators(meta: dict[str, Any], config: Config) -> tuple[str, ...]:
    """The post's own (Jekyll's front matter `excerpt_separator`), the config's, or the generator's."""
    own = meta.get("excerpt_separator")
    if isinstance(own, str) and own.strip():
        return (own.strip(),)
    if config.generator.summary_separator:
        return (config.generator.summary_separator,)
    return rules_for(config).summary_separators


def mark_more(body: str, found: tuple[str, ...]) -> str | None:
    """`body` with its first marker replaced by MARK, or None when it has none."""
    hits = [(body.find(s), s) for s in found if s in body]
    if not hits:
        return None
    at, sep = min(hits)
    return body[:at] + MARK + body[at + len(sep) :]


def cut_more(html: str) -> tuple[str, str]:
    """Rendered HTML holding MARK → (the HTML without it, the HTML above it)."""
    at = html.find(MARK)
    if at < 0:
        return html, ""
    return html.replace(f"<p>{MARK}</p>\n", "").replace(f"<p>{MARK}</p>", "").replace(MARK, ""), html[:at]
