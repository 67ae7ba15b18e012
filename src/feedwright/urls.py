"""Where each format of a feed lives, as a file under the output folder and as a URL."""

from __future__ import annotations

from urllib.parse import quote

FILENAMES: dict[str, str] = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
# JSON Feed has no notion of archive documents (RFC 5005 is for Atom and RSS).
ARCHIVE_FORMATS = ("atom", "rss")


def feed_file(path: str, fmt: str) -> str:
    return f"{path}/{FILENAMES[fmt]}" if path else FILENAMES[fmt]


def feed_url(base_url: str, path: str, fmt: str) -> str:
    """Slugs keep Chinese letters; URLs carry them percent-encoded so every reader can fetch them."""
    return base_url + quote(feed_file(path, fmt))


def feed_urls(base_url: str, path: str) -> dict[str, str]:
    """feed_url for every format; the folder is quoted once, as a site plans thousands of feeds."""
    folder = f"{quote(path)}/" if path else ""
    return {fmt: f"{base_url}{folder}{name}" for fmt, name in FILENAMES.items()}
