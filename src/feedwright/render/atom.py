"""FeedSpec → Atom 1.0 bytes."""

from __future__ import annotations

from ..config import Config
from ..model import FeedSpec
from .common import new_feed


def render_atom(spec: FeedSpec, config: Config) -> bytes:
    fg = new_feed(spec, config, "atom")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
