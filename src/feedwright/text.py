"""Small text cleaners shared by the reading and rendering stages."""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters XML 1.0 forbids; lxml (and so feedgen) refuses strings holding them.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_ESCAPED_NEWLINES = re.compile(r"(?:\\r\\n|\\n|\\r)")
_SPACES = re.compile(r"\s+")


def strip_xml_forbidden(text: str) -> tuple[str, int]:
    """Remove characters XML cannot carry; return the text and how many went."""
    cleaned, count = _XML_FORBIDDEN.subn("", text)
    return cleaned, count


def first_xml_forbidden(text: str) -> int | None:
    """Where the first character XML cannot carry is, or None."""
    found = _XML_FORBIDDEN.search(text)
    return found.start() if found else None


def clean_line(value: str) -> str:
    """One line of display text: literal '\\r\\n' escapes and runs of space folded."""
    text = _ESCAPED_NEWLINES.sub(" ", value)
    text = _XML_FORBIDDEN.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_summary(value: str) -> str:
    """A summary: escaped and real line breaks folded; lines of mere punctuation dropped."""
    text = _ESCAPED_NEWLINES.sub("\n", value)
    text = _XML_FORBIDDEN.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    kept = [line for line in lines if any(ch.isalnum() for ch in line)]
    return " ".join(kept)


def truncate(text: str, limit: int) -> str:
    """Cut plain text at `limit` characters on a word or sentence boundary, adding '…'."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in ("。", "！", "？", ". ", "; ", "，", ", ", " "):
        pos = cut.rfind(mark)
        if pos >= limit * 0.6:
            return cut[: pos + len(mark)].rstrip() + "…"
    return cut.rstrip() + "…"


def iri_to_uri(url: str) -> str:
    """Percent-encode what a URI may not hold (non-ASCII, spaces), as browsers do; keep the rest.

    Feeds must carry URIs: several readers and the W3C validator reject IRIs in ids and links.
    """
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~")
