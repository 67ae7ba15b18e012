"""FeedSpec → RSS 2.0 bytes, with atom:link rel=self, content:encoded and Media RSS images."""

from __future__ import annotations

from ..config import Config
from ..model import FeedSpec
from .common import new_feed


def render_rss(spec: FeedSpec, config: Config) -> bytes:
    fg = new_feed(spec, config, "rss")
    for fe, entry in zip(fg.entry(), spec.entries, strict=True):
        # A guid is a permalink only when it is the URL a reader can open.
        fe.guid(entry.id, permalink=entry.id == entry.link)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
