"""The output folder's manifest: which feed files the last build published, and the site feed's ids.

The next build compares with it: feeds that are gone are kept (or pruned), and a site feed whose
ids all changed is reported (plan/idguard.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..model import Problem
from ..plan.idguard import Published, read_published
from .atomic import atomic_write, remove_feed_files

MANIFEST = ".feedwright-manifest.json"

# A post file whose name is not UTF-8 reaches the site ids with lone surrogates, which UTF-8 cannot
# encode; written as JSON's \u escapes, json.loads gives them back.
_SURROGATES = re.compile("[\ud800-\udfff]")


def settle_manifest(out_dir: Path, files: list[str], site_ids: Published, prune: bool) -> Problem | None:
    """Record `files` and `site_ids`; feeds that existed last time but not now are kept unless pruning.

    Returns the warning that names the feeds kept, if any.
    """
    gone = sorted(set(read_manifest(out_dir)) - set(files))
    kept: list[str] = []
    warning: Problem | None = None
    if gone and prune:
        remove_feed_files(out_dir, gone)
    elif gone:
        kept = gone
        folders = sorted({str(Path(g).parent) for g in gone})
        warning = Problem(
            str(out_dir),
            f"{len(folders)} feed(s) no longer have entries and were kept as they were"
            f" ({', '.join(folders[:5])}{' …' if len(folders) > 5 else ''}); run with --prune to delete them",
            "warning",
        )
    data = {"files": sorted({*files, *kept}), "site_ids": site_ids}
    manifest = _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False, indent=1))
    manifest += "\n"
    atomic_write(out_dir / MANIFEST, manifest.encode("utf-8"))
    return warning


def read_manifest(out_dir: Path) -> list[str]:
    """The feed files the last build published ([] when there is no readable manifest)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []


def read_site_ids(out_dir: Path) -> Published:
    """The site feed's ids as the last build published them."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return read_published(data.get("site_ids"))
    except (OSError, ValueError, AttributeError):
        return []
