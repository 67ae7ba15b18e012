"""WebSub announcements a build still owes: feeds published, or about to be, whose hub was not told.

Kept in the cache's meta table, so that they survive a run that fails or is killed after (or while)
publishing, and a hub that could not be reached: the next run that pings announces them with its own.
A run records what it is about to publish before its first rename, and takes back what a rolled back
batch did not publish; a lost cache loses what was owed (the feeds are still right, only late for the
hub's subscribers until they next change).
"""

from __future__ import annotations

import json

from .cache import Cache

_UNANNOUNCED = "unannounced"


def owed(cache: Cache) -> list[str]:
    """Feed URLs published and not yet announced, oldest first."""
    try:
        urls = json.loads(cache.get_meta(_UNANNOUNCED) or "[]")
    except ValueError:
        return []
    return [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []


def owe(cache: Cache, urls: list[str]) -> None:
    """Keep `urls` as the announcements owed, committed at once: a publish that follows may not finish."""
    cache.set_meta(_UNANNOUNCED, json.dumps(list(dict.fromkeys(urls)), ensure_ascii=False))
    cache.commit()
