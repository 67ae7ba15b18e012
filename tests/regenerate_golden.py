"""Write tests/golden/ again from the sample site: .venv/bin/python tests/regenerate_golden.py

tests/golden/ holds every file `feedwright build` publishes from the repo's config.yaml and
posts/ (the feeds, index.html, feeds.opml); tests/test_golden.py builds the site again and
compares every file byte for byte. Run this only when a change is meant to change the output,
and read `git diff tests/golden` before committing what it wrote.

The build runs on a copy of config.yaml and posts/ in a temporary folder, so its cache
(.feedwright-cache/, kept beside the config) never lands in the repo. The output folder's
state files (the manifest and the lock) are not published, so they are left out.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
REGENERATE = ".venv/bin/python tests/regenerate_golden.py"


def copy_sample(site: Path) -> Path:
    """config.yaml and posts/ copied into `site`; the copied config's path."""
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "config.yaml", site / "config.yaml")
    shutil.copytree(REPO / "posts", site / "posts")
    return site / "config.yaml"


def build(config: Path, *args: str) -> Path:
    """Run `feedwright build` on `config` as the command line does; the output folder it wrote."""
    from feedwright.cli import main

    code = main(["build", "-q", "-c", str(config), *args])
    if code != 0:
        raise RuntimeError(f"feedwright build -c {config} {' '.join(args)} exited {code}")
    return config.parent / "feeds"


def published_files(out: Path) -> dict[str, bytes]:
    """Every file a build published under `out`, by its path relative to it (with '/')."""
    from feedwright.write.lock import LOCK_NAME
    from feedwright.write.manifest import MANIFEST

    state = {MANIFEST, LOCK_NAME}
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.relative_to(out).as_posix() not in state
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = published_files(build(copy_sample(Path(tmp) / "site")))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in files.items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} files to {GOLDEN.relative_to(REPO)}/; review them with: git diff --stat tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
