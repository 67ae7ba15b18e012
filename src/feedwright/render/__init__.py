"""FeedSpec → bytes, one module per format; same input, same bytes."""

from __future__ import annotations

from collections.abc import Callable

from ..config import Config
from ..model import FeedSpec
from .atom import atom_bytes, render_atom
from .common import new_feed, point_to
from .jsonfeed import render_json
from .rss import render_rss, rss_bytes
from .urls import ARCHIVE_FORMATS, feed_file

Renderer = Callable[[FeedSpec, Config], bytes]

RENDERERS: dict[str, Renderer] = {"atom": render_atom, "rss": render_rss, "json": render_json}


def render_formats(spec: FeedSpec, config: Config, formats: list[str]) -> list[bytes]:
    """One feed in each of `formats`, as RENDERERS would write it.

    Atom and RSS share one FeedGenerator: filling it with the entries costs as much as
    writing either format out, and only the feed's own links differ between the two.
    """
    fg = None
    out: list[bytes] = []
    for fmt in formats:
        if fmt not in ("atom", "rss"):
            out.append(RENDERERS[fmt](spec, config))
            continue
        if fg is None:
            fg = new_feed(spec, config, fmt)
        else:
            point_to(fg, spec, config, fmt)
        out.append(atom_bytes(fg) if fmt == "atom" else rss_bytes(fg, spec))
    return out


def formats(spec: FeedSpec, config: Config) -> list[str]:
    """The formats a feed set is written in: archives have no JSON Feed (RFC 5005 is Atom and RSS)."""
    if spec.kind == "archive":
        return [fmt for fmt in config.formats if fmt in ARCHIVE_FORMATS]
    return list(config.formats)


def feed_set(spec: FeedSpec, config: Config) -> list[tuple[str, str, bytes]]:
    """A filled feed's files: (format, file name under the output folder, bytes) per format."""
    fmts = formats(spec, config)
    return [
        (fmt, feed_file(spec.path, fmt), data)
        for fmt, data in zip(fmts, render_formats(spec, config, fmts), strict=True)
    ]
