"""Where each format of a feed lives, as a file under the output folder and as a URL.

Every feed file's name, path or URL is made here, from FILENAMES, by one rule (_in_folder).
"""

from __future__ import annotations

from urllib.parse import quote

FILENAMES: dict[str, str] = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
# JSON Feed has no notion of archive documents (RFC 5005 is for Atom and RSS).
ARCHIVE_FORMATS = ("atom", "rss")


def _in_folder(folder: str, fmt: str) -> str:
    return f"{folder}/{FILENAMES[fmt]}" if folder else FILENAMES[fmt]


def feed_file(path: str, fmt: str) -> str:
    """The file of a feed's `fmt`, relative to the output folder."""
    return _in_folder(path, fmt)


def feed_href(path: str, fmt: str) -> str:
    """The same file as a URL relative to the output folder's URL.

    Slugs keep Chinese letters; URLs carry them percent-encoded so every reader can fetch them.
    """
    return _in_folder(quote(path), fmt)


def feed_url(base_url: str, path: str, fmt: str) -> str:
    return base_url + feed_href(path, fmt)


def feed_urls(base_url: str, path: str) -> dict[str, str]:
    """feed_url for every format; the folder is quoted once, as a site plans thousands of feeds."""
    folder = quote(path)
    return {fmt: base_url + _in_folder(folder, fmt) for fmt in FILENAMES}
