"""Lazy-loaded images made plain: the picture a lazy-loading script would show, in `src`/`srcset`.

Pages copied from the web (and some generators' templates) write `<img src="data:…" data-src="real.jpg">`
or `<img data-original="real.jpg">` and leave the swap to a script. Feed readers run no script, and the
sanitiser drops `data:` URLs and unknown attributes, so the picture would be lost. This runs on the
rendered HTML before it is sanitised: `data-src`, `data-original` or `data-lazy-src` becomes `src`,
`data-srcset` (or `data-lazy-srcset`) becomes `srcset`, a `data:` placeholder is dropped, and every
`srcset` is made absolute against the page with only its http(s) candidates kept. `loading` stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from urllib.parse import urljoin, urlsplit

from .starttags import Attrs, rewrite_start_tags

# The attributes lazy-loading scripts read the real picture from, most used first.
LAZY_SRC = ("data-src", "data-original", "data-lazy-src")
LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
# Nothing to do without one of these: most posts are passed through after one search.
_WANTED = re.compile(r"data-(?:src|original|lazy-src|srcset|lazy-srcset)\b|\bsrcset\s*=", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"[0-9.]+[wxh],?")
_TAGS = ("img", "source")


def promote_lazy_images(html: str, page_url: str) -> str:
    """`html` with lazy-load attributes of <img>/<source> promoted to `src`/`srcset` (see the module)."""
    if not _WANTED.search(html):
        return html
    return _rewrite(html, lambda tag, attrs: _promoted(tag, attrs, page_url))


def safe_srcsets(html: str, page_url: str) -> str:
    """Every `srcset` of sanitised HTML with only absolute http(s) candidates: the sanitiser checks no URL in it.

    Run on the sanitiser's output, whose tags any HTML parser reads alike, so that no `srcset` the
    sanitiser kept escapes this check.
    """
    if "srcset" not in html.lower():
        return html

    def fix(tag: str, attrs: Attrs) -> str | None:
        values = dict(attrs)
        srcset = values.get("srcset")
        if srcset is None or _absolute_srcset(srcset, page_url) == srcset:
            return None
        return _written(tag, [(n, v or "") for n, v in attrs], {"srcset": _absolute_srcset(srcset, page_url)})

    return _rewrite(html, fix)


def _rewrite(html: str, fix: Callable[[str, Attrs], str | None]) -> str:
    """`html` with each <img>/<source> start tag for which `fix` gives new text replaced by it."""
    return rewrite_start_tags(html, lambda tag, _: tag in _TAGS, lambda _, tag, attrs: fix(tag, attrs))


def _written(tag: str, attrs: list[tuple[str, str]], changed: dict[str, str]) -> str:
    """A start tag from its attributes, each once, with `changed` values (an empty one leaves it out)."""
    seen: set[str] = set()
    out: list[str] = []
    for name, value in attrs:
        if name in seen:
            continue
        seen.add(name)
        value = changed.get(name, value)
        if name in changed and not value:
            continue
        out.append(f' {name}="{escape(value, quote=True)}"')
    return f"<{tag}{''.join(out)}>"


def _promoted(tag: str, attrs: list[tuple[str, str | None]], page_url: str) -> str | None:
    """The tag written again with its real picture, or None when it needs no change."""
    values: dict[str, str] = {}
    for name, value in attrs:
        values.setdefault(name, value or "")
    lazy = next((values[n].strip() for n in LAZY_SRC if values.get(n, "").strip()), "")
    lazy_set = next((values[n] for n in LAZY_SRCSET if values.get(n, "").strip()), "")
    if not lazy and not lazy_set and "srcset" not in values:
        return None
    src = values.get("src", "").strip()
    if lazy and not lazy.lower().startswith("data:"):
        src = lazy
    if src.lower().startswith("data:"):
        src = ""
    srcset = _absolute_srcset(lazy_set or values.get("srcset", ""), page_url)
    kept: list[tuple[str, str]] = []
    for name, value in values.items():
        if name in ("src", "srcset") or name in LAZY_SRC or name in LAZY_SRCSET:
            continue
        kept.append((name, value))
    if src:
        kept.insert(0, ("src", src))
    if srcset:
        kept.insert(1 if src else 0, ("srcset", srcset))
    written = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in kept)
    return f"<{tag}{written}>"


def _absolute_srcset(srcset: str, page_url: str) -> str:
    """Each candidate `URL [descriptor]` resolved against the page; candidates not http(s) are left out.

    Candidates are read by whitespace, as browsers do, so a comma inside a URL (a CDN's `w_600,h_400`)
    stays in it: a candidate ends at a token ending with a comma or at its descriptor (`2x`, `640w`).
    """
    out: list[str] = []
    tokens = srcset.split()
    i = 0
    while i < len(tokens):
        url, i = tokens[i], i + 1
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        elif i < len(tokens) and _DESCRIPTOR.fullmatch(tokens[i]):
            descriptor, i = tokens[i].rstrip(","), i + 1
        try:
            url = urljoin(page_url, url)
            scheme = urlsplit(url).scheme
        except ValueError:
            continue
        if url and scheme in ("http", "https"):
            out.append(f"{url} {descriptor}" if descriptor else url)
    return ", ".join(out)
