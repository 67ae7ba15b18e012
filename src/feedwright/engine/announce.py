"""WebSub announcements a build still owes: feeds published, or about to be, whose hub was not told.

Kept in a state file of the output folder, beside the manifest, so that they survive a run that
fails or is killed after (or while) publishing, a hub that could not be reached, and a cache that is
lost or thrown away (`--no-cache`): the next run that pings announces them with its own. A run
records what it is about to publish before its first rename, and takes back what a rolled back batch
did not publish. The file is there only while something is owed; like the manifest it is hidden,
never listed as published, and written atomically (its temporary files are swept as any other).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..write.atomic import atomic_write

STATE = ".feedwright-websub.json"


def owed(out_dir: Path) -> list[str]:
    """Feed URLs published and not yet announced, oldest first (none when the file cannot be read)."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    urls = data.get("unannounced") if isinstance(data, dict) else None
    return [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []


def owe(out_dir: Path, urls: list[str]) -> None:
    """Keep `urls` as the announcements owed, durably at once: a publish that follows may not finish."""
    unique = list(dict.fromkeys(urls))
    path = out_dir / STATE
    if not unique:
        path.unlink(missing_ok=True)
        return
    text = json.dumps({"unannounced": unique}, indent=1) + "\n"
    atomic_write(path, text.encode("ascii"))
