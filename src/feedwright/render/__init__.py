"""FeedSpec → bytes, one module per format; same input, same bytes."""

from __future__ import annotations

from collections.abc import Callable

from ..config import Config
from ..model import FeedSpec
from .atom import atom_bytes, render_atom
from .common import new_feed, point_to
from .jsonfeed import render_json
from .rss import render_rss, rss_bytes

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
