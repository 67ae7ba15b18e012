"""HTML → plain text, for summaries and for matching tags against an item's words."""

from __future__ import annotations

import re
from html import unescape

# Characters of text kept for a summary made from an entry's body (an article's or a news item's).
SUMMARY_CHARS = 280
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre|tr|figure)>|<br\s*/?>", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|pre|rt|rp)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """Visible text on one line; code blocks and ruby glosses left out."""
    text = _DROP.sub(" ", html)
    text = _BLOCK_END.sub(" ", text)
    text = _TAG.sub("", text)
    return _SPACES.sub(" ", unescape(text)).strip()
