"""What every generator's syntax pass shares: code kept out of reach, tags found and paired, HTML made.

A pass works on the post's Markdown with every code block and code span replaced by a token
(`Shield`), so that syntax shown as an example inside code is published byte for byte. Tags are
found by one regular expression scan whose patterns cannot run past the next `{` (so hostile
input costs linear time), and paired opener → closer by one backwards walk (`pair`).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..config import Config
from ..model import Post

# A fenced code block's opening line (any indentation: fences inside list items count too).
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_BACKTICKS = re.compile(r"(?<!\\)`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Far enough ahead that a linked post dated in the future still resolves.
_LATER = datetime(9999, 1, 1, tzinfo=UTC)


class Shield:
    """Pieces of text taken out of a pass's reach, each replaced by a token, and put back at the end."""

    def __init__(self, text: str) -> None:
        # Two private-use characters the text does not hold mark a token.
        for code in range(0xE000, 0xF8FF, 2):
            if chr(code) not in text and chr(code + 1) not in text:
                self.open, self.close = chr(code), chr(code + 1)
                break
        else:  # pragma: no cover - a text holding every private-use character
            self.open, self.close = "\x00", "\x01"
        self.pieces: list[str] = []
        self._token = re.compile(re.escape(self.open) + r"(\d+)" + re.escape(self.close))

    def keep(self, text: str) -> str:
        self.pieces.append(self.restore(text))
        return f"{self.open}{len(self.pieces) - 1}{self.close}"

    def restore(self, text: str) -> str:
        if self.open not in text:
            return text
        return self._token.sub(lambda m: self.pieces[int(m.group(1))], text)


def shield_code(text: str, shield: Shield) -> str:
    """`text` with fenced and indented code blocks and code spans replaced by the shield's tokens."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i, n = 0, len(lines)
    blank_before, in_list = True, False
    while i < n:
        line = lines[i]
        fence = _FENCE.match(line.rstrip("\r\n"))
        if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            mark = fence.group(1)
            closing = re.compile(r"^[ \t]*" + re.escape(mark[0]) + "{" + str(len(mark)) + r",}[ \t]*$")
            j = i + 1
            while j < n and not closing.match(lines[j].rstrip("\r\n")):
                j += 1
            # An unclosed fence runs to the end of the text (CommonMark), so nothing is scanned twice.
            block = "".join(lines[i : j + 1])
            end = block[len(block.rstrip("\r\n")) :]
            out.append(shield.keep(block[: len(block) - len(end)]) + end)
            i, blank_before = j + 1, False
            continue
        stripped = line.strip()
        if blank_before and not in_list and stripped and (line.startswith("    ") or line.startswith("\t")):
            j = i
            while j < n and (not lines[j].strip() or lines[j].startswith(("    ", "\t"))):
                j += 1
            while j > i and not lines[j - 1].strip():
                j -= 1
            block = "".join(lines[i:j])
            end = block[len(block.rstrip("\r\n")) :]
            out.append(shield.keep(block[: len(block) - len(end)]) + end)
            i = j
            continue
        if stripped and not line.startswith((" ", "\t")):
            in_list = bool(_LIST_ITEM.match(line))
        elif stripped and _LIST_ITEM.match(line):
            in_list = True
        blank_before = not stripped
        out.append(line)
        i += 1
    return _shield_spans("".join(out), shield)


def _shield_spans(text: str, shield: Shield) -> str:
    """Code spans: a backtick run and the next run of the same length in the same paragraph."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    if len(runs) < 2:
        return text
    breaks = [m.start() for m in _BLANK_LINE.finditer(text)]
    following: dict[int, int] = {}
    partner: list[int | None] = [None] * len(runs)
    for k in range(len(runs) - 1, -1, -1):
        size = runs[k][1] - runs[k][0]
        partner[k] = following.get(size)
        following[size] = k
    out: list[str] = []
    pos, k = 0, 0
    while k < len(runs):
        start, end = runs[k]
        other = partner[k]
        if start < pos or other is None:
            k += 1
            continue
        close_start, close_end = runs[other]
        at = bisect.bisect_left(breaks, end)
        if at < len(breaks) and breaks[at] < close_start:
            k += 1
            continue
        out.append(text[pos:start])
        out.append(shield.keep(text[start:close_end]))
        pos, k = close_end, other + 1
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Tag:
    """One tag or shortcode found in the text: where it is, its name, its arguments' text."""

    start: int
    end: int
    name: str
    args: str
    closing: bool = False
    # Written as self-closing (`{{< name />}}`): never an opener.
    alone: bool = False


def pair(tags: list[Tag], closer_of: Callable[[str], str] = lambda name: name) -> list[int | None]:
    """For each opener, the index of the first later closing tag of its name (None: it has none)."""
    following: dict[str, int] = {}
    out: list[int | None] = [None] * len(tags)
    for k in range(len(tags) - 1, -1, -1):
        tag = tags[k]
        if tag.closing:
            following[tag.name] = k
        elif not tag.alone:
            out[k] = following.get(closer_of(tag.name))
    return out


@dataclass
class Pass:
    """One post's pass: the shield, the names of what was removed, and what resolving needs."""

    shield: Shield
    config: Config
    source: Path | None
    # The post's own URL (relative asset links resolve against it).
    url: str = ""
    removed: list[str] = field(default_factory=list)

    def drop(self, label: str) -> str:
        if label not in self.removed:
            self.removed.append(label)
        return ""

    def code(self, inner: str, language: str = "") -> str:
        """A fenced code block holding `inner` as written, out of reach of later passes."""
        inner = self.shield.restore(inner).strip("\r\n")
        longest = max((len(m.group()) for m in re.finditer(r"`{3,}", inner)), default=2)
        fence = "`" * (longest + 1)
        lang = re.sub(r"[^\w+#.-]", "", language)
        return "\n\n" + self.shield.keep(f"{fence}{lang}\n{inner}\n{fence}") + "\n\n"

    def literal(self, text: str) -> str:
        return self.shield.keep(text)

    def block(self, markup: str) -> str:
        """HTML that stands as a block of its own."""
        return "\n\n" + self.shield.keep(markup) + "\n\n"

    def inline(self, markup: str) -> str:
        return self.shield.keep(markup)

    def iframe(self, src: str, width: str = "", height: str = "") -> str:
        """An embedded player when the sanitiser lets its host through, else a link to it."""
        host = (urlsplit(src).hostname or "").lower()
        if host not in {h.lower() for h in self.config.sanitize.iframe_hosts}:
            return self.block(link(src, src))
        size = "".join(f' {k}="{esc(v)}"' for k, v in (("width", width), ("height", height)) if v.isdigit())
        return self.block(f'<iframe src="{esc(src)}"{size} frameborder="0" allowfullscreen></iframe>')

    def post_url(self, path: Path) -> str | None:
        """The URL of the post in file `path` by the site's rules, or None when it is not a post."""
        found = self.post(path)
        return found.permalink if found is not None else None

    def post(self, path: Path) -> Post | None:
        """The post in file `path`, read by the site's rules (a post dated later counts), or None."""
        from ..generators import rules_for
        from ..read.post import read_with

        try:
            if not path.is_file():
                return None
            return read_with(path, rules_for(self.config), _LATER).post
        except (OSError, ValueError):
            return None


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def img(src: str, alt: str = "", title: str = "", width: str = "", height: str = "", css: str = "") -> str:
    attrs = f'<img src="{esc(src)}" alt="{esc(alt)}"'
    if title:
        attrs += f' title="{esc(title)}"'
    for key, value in (("width", width), ("height", height)):
        if value.isdigit():
            attrs += f' {key}="{value}"'
    return attrs + ">"


def quote_lines(markdown: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in markdown.strip("\n").split("\n"))
