"""The byte budget: a feed file over `limits.max_feed_bytes` is made to fit.

Entries are cut to their summaries from the oldest until the file fits; when even every entry
as a summary is too large, the oldest entries are left out. Each format is measured on its own
(JSON is not Atom's size). A pure function of the feed and the config, so a warm build writes
the same bytes as a cold one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..config import Config
from ..model import Entry, FeedSpec
from ..plan.content import summarized

Render = Callable[[FeedSpec[Entry]], bytes]


@dataclass(frozen=True)
class Fitted:
    """A format's bytes within the budget, and what it took."""

    data: bytes
    summarized: int = 0
    dropped: int = 0


def fit(spec: FeedSpec[Entry], config: Config, render: Render, data: bytes) -> Fitted:
    """`data` (`render(spec)`) when it fits, else the feed with the fewest entries cut that does.

    Cutting more entries never makes a file larger, so both searches are binary: about
    2·log2(entries) renders of a feed that is over, none of one that is not.
    """
    limit = config.limits.max_feed_bytes
    if len(data) <= limit or not spec.entries:
        return Fitted(data)
    entries = spec.entries
    n = len(entries)
    short = [summarized(e, config) for e in entries]

    def cut(k: int) -> FeedSpec[Entry]:
        """The newest n-k entries whole, the k oldest as summaries."""
        return replace(spec, entries=(*entries[: n - k], *short[n - k :]))

    # The fewest oldest entries to summarise: cut(lo) is too large, cut(hi) fits or is untried.
    lo, hi = 0, n
    best: bytes | None = None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        attempt = render(cut(mid))
        if len(attempt) <= limit:
            hi, best = mid, attempt
        else:
            lo = mid
    if best is None:  # cut(n) was never tried
        best = render(cut(n))
    if len(best) <= limit:
        return Fitted(best, summarized=hi)
    # Every entry a summary and still too large: keep the most newest entries that fit.
    lo, hi = 0, n  # `keep(lo)` fits (or is empty), `keep(hi)` does not
    kept = render(replace(spec, entries=()))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        attempt = render(replace(spec, entries=tuple(short[:mid])))
        if len(attempt) <= limit:
            lo, kept = mid, attempt
        else:
            hi = mid
    return Fitted(kept, summarized=lo, dropped=n - lo)
