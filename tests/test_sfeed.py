"""Proof in a reader of another ecosystem: Debian's sfeed (C) reads the sample site's RSS and Atom feeds.

`sfeed < feed.xml` prints one TSV line per item: timestamp, title, link, content, content-type, id,
author, enclosure, category. Every item must come out with its id, title and link, and every item that
has an image (the JSON Feed's `image`, a format sfeed does not read) with that image as its enclosure:
RSS `<enclosure>`, Atom `<link rel="enclosure">`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .regenerate_golden import build, copy_sample

FIELDS = ("timestamp", "title", "link", "content", "content_type", "id", "author", "enclosure", "category")


def needs_sfeed() -> str:
    path = shutil.which("sfeed")
    if path is None:
        reason = "sfeed is not installed (Debian: apt-get install -y sfeed; .ci/run installs it)"
        # CI sets this so a missing reader fails instead of silently skipping the proof.
        if os.environ.get("FEEDWRIGHT_REQUIRE_READERS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def sfeed_items(sfeed: str, feed: Path) -> list[dict[str, str]]:
    done = subprocess.run([sfeed], stdin=feed.open("rb"), capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.decode("utf-8").splitlines()]
    assert all(len(row) == len(FIELDS) for row in rows), feed
    return [dict(zip(FIELDS, row, strict=True)) for row in rows]


def test_sfeed_reads_every_item_and_image_of_the_sample_site(tmp_path: Path) -> None:
    sfeed = needs_sfeed()
    out = build(copy_sample(tmp_path / "site"))
    folders = [out, out / "articles", *sorted(p.parent for p in out.glob("*/*/feed.json"))]
    items = images = 0
    for folder in folders:
        expected = json.loads((folder / "feed.json").read_text(encoding="utf-8"))["items"]
        for name in ("rss.xml", "atom.xml"):
            got = {item["id"]: item for item in sfeed_items(sfeed, folder / name)}
            where = (folder / name).relative_to(out).as_posix()
            assert sorted(got) == sorted(e["id"] for e in expected), where
            for entry in expected:
                item = got[entry["id"]]
                assert item["title"] == " ".join(entry["title"].split()), (where, entry["id"])
                assert item["link"] == entry["url"], (where, entry["id"])
                assert item["enclosure"] == entry.get("image", ""), (where, entry["id"])
                assert int(item["timestamp"]) > 0, (where, entry["id"])
                items += 1
                images += bool(entry.get("image"))
    # The sample site's feeds hold many items, most with an image; none may be missed.
    assert items > 100 and images > 50, (items, images)
