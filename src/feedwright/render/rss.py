"""FeedSpec → RSS 2.0 bytes, with atom:link rel=self, content:encoded and Media RSS images."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from ..config import Config
from ..model import FeedSpec
from .common import new_feed


def render_rss(spec: FeedSpec, config: Config) -> bytes:
    return rss_bytes(new_feed(spec, config, "rss"), spec)


def rss_bytes(fg: FeedGenerator, spec: FeedSpec) -> bytes:
    """RSS of a FeedGenerator made for `spec`; the guids it sets leave its Atom as it was (same ids)."""
    for fe, entry in zip(fg.entry(), spec.entries, strict=True):
        # A guid is a permalink only when it is the URL a reader can open.
        fe.guid(entry.id, permalink=entry.id == entry.link)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
