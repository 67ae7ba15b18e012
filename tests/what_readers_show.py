"""What four real parsers make of a built site's rss.xml and atom.xml: per parser and format, how many
items come out with an image, a summary and an author (the README's "What a reader shows").

    .venv/bin/python tests/what_readers_show.py FEEDS_DIR

feedparser is always there; rss-parser runs under node from .ci/node/ (`.ci/run` installs it), sfeed and
newsboat are Debian's. A parser that is missing is reported as such. What each counts:

- image: feedparser: an enclosure, `media:content` or `media:thumbnail`; rss-parser: `item.enclosure`;
  sfeed: its enclosure column; newsboat: an enclosure it keeps (2.21 keeps audio and video only) or an
  `<img>` in the text it shows (it lists pictures as links below the text).
- summary: a short text the parser gives beside the full content: feedparser `summary` unlike the content;
  rss-parser `summary` (Atom) or `content` from `<description>` unlike `content:encoded` (RSS). sfeed and
  newsboat keep one text per item (the full content), so `-`.
- author: feedparser `author`; rss-parser `creator` or `author`; sfeed's author column; newsboat's.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import feedparser

REPO = Path(__file__).resolve().parents[1]
NODE_DIR = REPO / ".ci" / "node"
FORMATS = ("rss.xml", "atom.xml")

RSS_PARSER_SCRIPT = """
const Parser = require('rss-parser');
const fs = require('fs');
(async () => {
  const feed = await new Parser().parseString(fs.readFileSync(process.argv[2], 'utf8'));
  process.stdout.write(JSON.stringify(feed.items));
})().catch((e) => { console.error(e); process.exit(1); });
"""

Counts = tuple[int, int, int | None, int]  # items, with an image, with a summary (None: not kept), with an author


def with_feedparser(feed: Path) -> Counts:
    entries = feedparser.parse(feed.read_bytes()).entries
    image = sum(bool(e.get("enclosures") or e.get("media_content") or e.get("media_thumbnail")) for e in entries)
    summary = sum(
        bool(e.get("summary")) and e.get("summary") != e.get("content", [{}])[0].get("value") for e in entries
    )
    author = sum(bool(e.get("author")) for e in entries)
    return len(entries), image, summary, author


def with_rss_parser(feed: Path) -> Counts | None:
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "rss-parser").is_dir():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "parse.js"
        script.write_text(RSS_PARSER_SCRIPT, encoding="utf-8")
        env = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
        done = subprocess.run([node, str(script), str(feed)], capture_output=True, text=True, env=env, check=True)
    items = json.loads(done.stdout)
    image = sum(bool((i.get("enclosure") or {}).get("url")) for i in items)
    summary = sum(
        bool(i.get("summary")) or (bool(i.get("content:encoded")) and i.get("content") != i.get("content:encoded"))
        for i in items
    )
    author = sum(bool(i.get("creator") or i.get("author")) for i in items)
    return len(items), image, summary, author


def with_sfeed(feed: Path) -> Counts | None:
    sfeed = shutil.which("sfeed")
    if sfeed is None:
        return None
    with feed.open("rb") as stdin:
        done = subprocess.run([sfeed], stdin=stdin, capture_output=True, check=True)
    rows = [line.split("\t") for line in done.stdout.decode("utf-8").splitlines()]
    return len(rows), sum(bool(r[7]) for r in rows), None, sum(bool(r[6]) for r in rows)


def with_newsboat(feed: Path) -> Counts | None:
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        urls, config, cache = Path(tmp) / "urls", Path(tmp) / "config", Path(tmp) / "cache.db"
        urls.write_text(feed.resolve().as_uri() + "\n", encoding="utf-8")
        config.write_text("", encoding="utf-8")
        command = [newsboat, "-x", "reload", "-u", str(urls), "-c", str(cache), "-C", str(config)]
        subprocess.run(command, capture_output=True, check=True)
        with sqlite3.connect(cache) as db:
            rows = db.execute("SELECT enclosure_url, content, author FROM rss_item").fetchall()
    image = sum(bool(url) or "<img" in (content or "") for url, content, _ in rows)
    return len(rows), image, None, sum(bool(author) for _, _, author in rows)


PARSERS = {"feedparser": with_feedparser, "rss-parser": with_rss_parser, "sfeed": with_sfeed, "newsboat": with_newsboat}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: .venv/bin/python tests/what_readers_show.py FEEDS_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    result: dict[str, dict[str, dict[str, int | None] | None]] = {}
    for name, parse in PARSERS.items():
        result[name] = {}
        for fmt in FORMATS:
            counts = parse(out / fmt)
            result[name][fmt] = (
                None if counts is None else dict(zip(("items", "image", "summary", "author"), counts, strict=True))
            )
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
