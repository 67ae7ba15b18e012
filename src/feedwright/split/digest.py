"""A digest's HTML → one Entry per news item.

The HTML is walked as a list of top-level blocks. Each heading at the configured level
opens a news item; the item runs until the next such heading, a higher heading or a
horizontal rule. Digests put an item's picture either just before its heading (2022 on)
or just after it (2021), so the layout is measured first and a picture standing before a
heading is moved into that item only when the digest uses the "before" layout. The
header picture (the post's own image) belongs to no item.

An entry's content is the item without its heading, which the entry's title carries.
Its related links are those of its source line; an item without one (2021 digests cite
their sources inline) gets the links written in its text instead, so a reader still
finds where the news came from. When the headings do not look like news items, no
entries are returned and the post stays whole."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise
from typing import Literal

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from ..config import SplitConfig
from ..model import Entry, Post, Problem
from ..text import clean_line, iri_to_uri, truncate
from .itemid import explicit_anchors, fragments, item_id, item_keys
from .summary import SUMMARY_CHARS, html_to_text

# Below this many characters, text around the items is too little to call the post an article.
_SMALL_TEXT = 200
_CONTAINERS = ("div", "section", "article", "main")
_LINE_TAGS = ("p", "li")
_HEADING = re.compile(r"^h([1-6])$")
# Numbering that editors put in front of item titles: ❶ …, ①, "#1 ", "No.1", "1.", "1、", "(1)".
# A number followed by a digit ("5.15 内核", "2046 年") is part of the title and stays.
_NUMBERING = re.compile(
    r"^(?:[\u2460-\u2473\u2776-\u2793\u24eb-\u24f4]"
    r"|#\s?\d{1,3}(?![\d.])"
    r"|no\.\s?\d{1,3}(?![\d.])"
    r"|\d{1,3}\s?(?:[.．](?!\d)|[、)）])"
    r"|[（(]\d{1,3}[)）])"
    r"[\s:：.、\-]*",
    re.IGNORECASE,
)
_LEFTOVER_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BULLETS = "*-•·>【[（( \u3000"
_COLONS = ("：", ":")
# An aside wrapped in brackets, such as "（插图：DA/…）", is a credit line, not news text.
_ASIDE = re.compile(r"^[（(【\[].{0,160}[）)】\]]$", re.DOTALL)

Layout = Literal["before", "after", "none"]


@dataclass
class _Section:
    """One heading's stretch of blocks while the digest is being cut up."""

    heading: HtmlElement
    lead: list[HtmlElement] = field(default_factory=list)
    body: list[HtmlElement] = field(default_factory=list)
    # Blocks after the item ended (rule, higher heading, closing text) up to the next heading.
    loose: list[HtmlElement] = field(default_factory=list)
    closed: bool = False


@dataclass(frozen=True)
class _Item:
    """A news item as found, before it becomes an Entry."""

    title: str
    heading: str
    anchor: str | None
    followup: bool
    untitled: bool
    blocks: tuple[HtmlElement, ...]
    heading_image: str | None


def split_digest(post: Post, html: str, config: SplitConfig) -> tuple[list[Entry], list[Problem]]:
    """The news items of a digest; an empty list when none can be found."""
    blocks = _top_blocks(html, config.heading_level)
    if blocks is None:
        return [], []
    prefix, sections = _segment(blocks, config.heading_level)
    if not sections:
        return [], []
    _move_pictures(post, prefix, sections, _layout(sections))
    text = _Texts()
    followups = [_is_followup(_heading_text(s.heading, text), config) for s in sections]
    _trim_outro(sections, followups, config, text)
    items = [_item(section, n, post, config, text) for n, section in enumerate(sections, 1)]
    refusal = _refusal(post, prefix, sections, items, text)
    if refusal is not None:
        return [], [refusal]
    problems = [
        Problem(post.rel_path, f"news item {n} has a heading without words; titled '{item.title}'", "warning")
        for n, item in enumerate(items, 1)
        if item.untitled
    ]
    entries, clashes = _entries(post, items, config, text)
    return entries, [*problems, *clashes]


# ---------------------------------------------------------------- parsing


def _top_blocks(html: str, level: int) -> list[HtmlElement] | None:
    """The block elements that hold the items: the top level, or one wrapper element."""
    try:
        root = lxml.html.fragment_fromstring(html or "", create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    container = root if _has_heading_child(root, level) else _wrapper(root, level)
    if container is None:
        return None
    return list(_as_blocks(container))


def _has_heading_child(element: HtmlElement, level: int) -> bool:
    return any(_heading_level(child) == level for child in element)


def _wrapper(root: HtmlElement, level: int) -> HtmlElement | None:
    """The one div/section whose children are the headings, when the body is wrapped."""
    found = [el for el in root.iterdescendants(*_CONTAINERS) if _has_heading_child(el, level)]
    return found[0] if len(found) == 1 else None


def _as_blocks(container: HtmlElement) -> Iterator[HtmlElement]:
    """Child elements in order; stray text becomes a paragraph of its own, comments go."""
    if (container.text or "").strip():
        yield _paragraph(container.text or "")
    for child in container:
        if isinstance(child.tag, str):
            block = deepcopy(child)
            block.tail = None
            yield block
        if (child.tail or "").strip():
            yield _paragraph(child.tail or "")


def _paragraph(text: str) -> HtmlElement:
    element: HtmlElement = lxml.html.Element("p")
    element.text = text.strip()
    return element


def _heading_level(element: HtmlElement) -> int | None:
    match = _HEADING.match(element.tag) if isinstance(element.tag, str) else None
    return int(match.group(1)) if match else None


def _serialize(element: HtmlElement) -> str:
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


class _Texts:
    """The plain text of elements, each worked out once per digest.

    Deciding where items end, which line is a source or a comment, what the summary is and
    which links are related reads the same lines again and again; serialising them anew each
    time was a third of the cost of a split. Blocks are not changed once cut, so the text of
    an element stays what it was.
    """

    def __init__(self) -> None:
        # Keyed by the element itself: holding it keeps lxml from making a new proxy for the node.
        self._known: dict[HtmlElement, str] = {}

    def __call__(self, element: HtmlElement) -> str:
        text = self._known.get(element)
        if text is None:
            text = self._known[element] = html_to_text(_serialize(element))
        return text


# ---------------------------------------------------------------- cutting into sections


def _segment(blocks: Sequence[HtmlElement], level: int) -> tuple[list[HtmlElement], list[_Section]]:
    """Blocks before the first heading, and one section per heading at `level`."""
    prefix: list[HtmlElement] = []
    sections: list[_Section] = []
    for block in blocks:
        found = _heading_level(block)
        if found == level:
            sections.append(_Section(block))
            continue
        if not sections:
            prefix.append(block)
            continue
        current = sections[-1]
        if current.closed or (found is not None and found < level):
            # A higher heading starts digest-level text, not more of this item.
            current.closed = True
            current.loose.append(block)
        elif block.tag == "hr":
            # A rule ends the item; one right under the heading only separates.
            current.closed = bool(current.body)
            if current.closed:
                current.loose.append(block)
        else:
            current.body.append(block)
    return prefix, sections


def _picture_parts(block: HtmlElement) -> list[HtmlElement] | None:
    """The pictures of a block that holds nothing but pictures, else None."""
    if block.tag == "img" or (block.tag in ("figure", "picture", "a") and _only_pictures(block)):
        return [block]
    if block.tag not in ("p", "div") or (block.text or "").strip():
        return None
    parts: list[HtmlElement] = []
    for child in block:
        if not isinstance(child.tag, str) or child.tag == "br":
            continue
        if (child.tail or "").strip():
            return None
        if child.tag == "img" or (child.tag in ("a", "span", "picture", "figure") and _only_pictures(child)):
            parts.append(child)
        else:
            return None
    return parts or None


def _only_pictures(element: HtmlElement) -> bool:
    has_picture = any(True for _ in element.iter("img"))
    return has_picture and (element.tag == "figure" or not element.text_content().strip())


def _picture_src(element: HtmlElement) -> str | None:
    for img in element.iter("img"):
        src = (img.get("src") or "").strip()
        if src:
            return src
    return None


def _layout(sections: Sequence[_Section]) -> Layout:
    """Whether this digest puts item pictures before or after the headings."""
    after = sum(1 for s in sections if s.body and _picture_parts(s.body[0]) is not None)
    before = 0
    for earlier in sections[:-1]:
        last = _last_block(earlier)
        if last is not None and _picture_parts(last) is not None:
            before += 1
    if after > before:
        return "after"
    return "before" if before else "none"


def _last_block(section: _Section) -> HtmlElement | None:
    if section.loose:
        return section.loose[-1]
    return section.body[-1] if section.body else None


def _move_pictures(post: Post, prefix: list[HtmlElement], sections: list[_Section], layout: Layout) -> None:
    """Give each item the picture that stands just before its heading, when the digest does that."""
    if layout == "after":
        return
    _move_first_picture(post, prefix, sections[0])
    if layout != "before":
        return
    for earlier, later in pairwise(sections):
        holder = earlier.loose if earlier.loose else earlier.body
        if holder:
            _take_last_picture(holder, later)


def _move_first_picture(post: Post, prefix: list[HtmlElement], first: _Section) -> None:
    """Item 1's picture shares the space before the first heading with the header picture."""
    if not prefix or _picture_parts(prefix[-1]) is None:
        return
    pictures = [p for block in prefix for p in (_picture_parts(block) or [])]
    # With no header named in the front matter, the body's first picture is the header.
    header_named = post.image is not None
    if (header_named and not _is_header(_picture_src(pictures[-1]), post)) or (not header_named and len(pictures) >= 2):
        _take_last_picture(prefix, first)


def _take_last_picture(holder: list[HtmlElement], section: _Section) -> None:
    """Move the last picture of the holder's last block into the front of the section."""
    parts = _picture_parts(holder[-1])
    if not parts:
        return
    block = holder.pop()
    if len(parts) == 1:
        section.lead.insert(0, block)
        return
    pieces = [_wrap(block.tag, part) for part in parts]
    holder.extend(pieces[:-1])
    section.lead.insert(0, pieces[-1])


def _wrap(tag: str, part: HtmlElement) -> HtmlElement:
    element: HtmlElement = lxml.html.Element(tag)
    piece = deepcopy(part)
    piece.tail = None
    element.append(piece)
    return element


def _is_header(src: str | None, post: Post) -> bool:
    if not src or not post.image:
        return False
    return _same_image(src, post.image)


def _same_image(a: str, b: str) -> bool:
    def norm(url: str) -> str:
        url = url.strip().split("#", 1)[0]
        return url.removesuffix(".thumb.jpg")

    return norm(a) == norm(b)


# ---------------------------------------------------------------- reading items


def _item(section: _Section, index: int, post: Post, config: SplitConfig, text: _Texts) -> _Item:
    raw = _heading_text(section.heading, text)
    followup = _is_followup(raw, config)
    # "回音" alone says nothing in a reader's list, so it names its digest; so does a
    # heading with no words (say, only a picture).
    title = f"{raw.rstrip(' ：:')}：{post.title}" if followup else raw or f"{post.title} ({index})"
    return _Item(
        title=title,
        heading=raw,
        anchor=(section.heading.get("id") or "").strip() or None,
        followup=followup,
        untitled=not raw,
        blocks=(*section.lead, *section.body),
        heading_image=_picture_src(section.heading),
    )


def _heading_text(heading: HtmlElement, text: _Texts) -> str:
    line = clean_line(text(heading))
    line = _LEFTOVER_EMPHASIS.sub(r"\2", line)
    stripped = _NUMBERING.sub("", line, count=1).strip()
    return stripped or line


def _is_followup(title: str, config: SplitConfig) -> bool:
    key = title.strip(" ：:").casefold()
    return any(key == name.strip(" ：:").casefold() for name in config.followup_headings)


def _lines(block: HtmlElement) -> list[HtmlElement]:
    """The paragraphs and list items of a block; a block without any counts as one line."""
    return list(block.iter(*_LINE_TAGS)) or [block]


def _line_text(line: HtmlElement, text: _Texts) -> str:
    return text(line).lstrip(_BULLETS)


def _starts_with_label(text: str, labels: Iterable[str]) -> bool:
    folded = text.casefold()
    for label in labels:
        name = label.strip().casefold()
        if name and folded.startswith(name) and folded[len(name) :].lstrip().startswith(_COLONS):
            return True
    return False


def _is_source_line(line: HtmlElement, config: SplitConfig, text: _Texts) -> bool:
    return _starts_with_label(_line_text(line, text), config.source_labels)


def _is_comment_line(line: HtmlElement, config: SplitConfig, text: _Texts) -> bool:
    return _starts_with_label(_line_text(line, text), config.comment_labels)


def _is_aside(line: HtmlElement, text: _Texts) -> bool:
    return bool(_ASIDE.match(text(line)))


def _is_closing(block: HtmlElement, config: SplitConfig, text: _Texts) -> bool:
    """Whether a block is the kind that ends an item: a quote, a source line or a comment."""
    if block.tag == "blockquote":
        return True
    lines = _lines(block)
    return any(_is_source_line(line, config, text) or _is_comment_line(line, config, text) for line in lines)


def _trim_outro(sections: Sequence[_Section], followups: Sequence[bool], config: SplitConfig, text: _Texts) -> None:
    """Closing words after the last item belong to the digest, not to that item.

    Where the last item ends is guessed from how the others end: after a quote, source
    line or comment when every earlier item ends so; after its list for a follow-up section.
    """
    last = sections[-1]
    if followups[-1]:
        _cut_after(last, [n for n, block in enumerate(last.body) if block.tag in ("ul", "ol")])
        return
    regular = [sections[n] for n, followup in enumerate(followups) if not followup]
    if len(regular) < 2 or not all(s.body and _is_closing(s.body[-1], config, text) for s in regular[:-1]):
        return
    _cut_after(last, [n for n, block in enumerate(last.body) if _is_closing(block, config, text)])


def _cut_after(section: _Section, ends: Sequence[int]) -> None:
    """Move the blocks after the last of `ends` out of the section."""
    if not ends or ends[-1] == len(section.body) - 1:
        return
    cut = ends[-1] + 1
    section.loose[:0] = section.body[cut:]
    del section.body[cut:]


def _refusal(
    post: Post, prefix: Sequence[HtmlElement], sections: Sequence[_Section], items: Sequence[_Item], text: _Texts
) -> Problem | None:
    """Why these headings do not look like a digest's news items, if they do not."""
    level = sections[0].heading.tag
    if all(item.followup for item in items):
        return Problem(post.rel_path, f"the <{level}> headings are only follow-up sections; kept whole", "warning")
    inside = sum(len(text(b)) for s in sections for b in (s.heading, *s.lead, *s.body))
    outside = sum(len(text(b)) for b in (*prefix, *(b for s in sections for b in s.loose)))
    if outside > max(inside, _SMALL_TEXT):
        return Problem(
            post.rel_path,
            f"most of the text lies outside the <{level}> sections, so they do not look like news items; kept whole",
            "warning",
        )
    return None


# ---------------------------------------------------------------- entries


def _entries(
    post: Post, items: Sequence[_Item], config: SplitConfig, text: _Texts
) -> tuple[list[Entry], list[Problem]]:
    contents = ["\n".join(_serialize(b) for b in item.blocks) for item in items]
    plain = [html_to_text(html) for html in contents]
    texts = [f"{item.heading} {body}".casefold() for item, body in zip(items, plain, strict=True)]
    tags = _tags_per_item(post.tags, texts)
    images = [_image(item, post) for item in items]
    written = explicit_anchors(post.body)
    keys = [
        item_keys(
            item.anchor if item.anchor in written else None,
            _links(_source_lines(item, config, text)),
            image,
            item.followup,
            "" if item.untitled else item.heading,
            body,
        )
        for item, image, body in zip(items, images, plain, strict=True)
    ]
    ids, clashes = fragments(keys)
    problems = [
        Problem(
            post.rel_path,
            f"news item {clash.index} has the same anchor, source, image, heading and text as item {clash.first};"
            f" its id ends in '{clash.suffix}' and changes if items move: give it its own anchor"
            " ('### Title {#its-own-id}')",
            "warning",
        )
        for clash in clashes
    ]
    entries: list[Entry] = []
    for index, (item, html, fragment, item_tags, image) in enumerate(
        zip(items, contents, ids, tags, images, strict=True), 1
    ):
        shift = timedelta(seconds=index - 1)
        entries.append(
            Entry(
                id=item_id(post.id, fragment),
                title=item.title,
                link=f"{post.permalink}#{iri_to_uri(item.anchor)}" if item.anchor else post.permalink,
                published=post.published - shift,
                updated=post.updated - shift,
                authors=post.authors,
                tags=item_tags,
                categories=post.categories,
                summary=_summary(item, html, config, text),
                content_html=html,
                image=image,
                related=_related(item, post, config, text),
                post_id=post.id,
                index=index,
                source=post.rel_path,
            )
        )
    return entries, problems


def _image(item: _Item, post: Post) -> str | None:
    for src in (*(_picture_src(b) for b in item.blocks), item.heading_image):
        if src and not _is_header(src, post):
            return src
    return None


def _source_lines(item: _Item, config: SplitConfig, text: _Texts) -> list[HtmlElement]:
    return [line for b in item.blocks for line in _lines(b) if _is_source_line(line, config, text)]


def _related(item: _Item, post: Post, config: SplitConfig, text: _Texts) -> tuple[str, ...]:
    """The links of the item's source line; without one, the links in the item's text."""
    lines = _source_lines(item, config, text)
    links = _links(lines) if lines else _links(item.blocks)
    page = post.permalink.split("#", 1)[0]
    return tuple(url for url in links if url.split("#", 1)[0] != page)


def _links(elements: Iterable[HtmlElement]) -> list[str]:
    found: list[str] = []
    for element in elements:
        for anchor in element.iter("a"):
            href = (anchor.get("href") or "").strip()
            if href.startswith(("http://", "https://")) and href not in found:
                found.append(href)
    return found


def _summary(item: _Item, html: str, config: SplitConfig, text: _Texts) -> str:
    """The item's first paragraph of news text, skipping pictures, source and credit lines."""

    def usable(line: HtmlElement, allow_comment: bool) -> str:
        if _heading_level(line) is not None or _picture_parts(line) is not None:
            return ""
        if _is_source_line(line, config, text) or _is_aside(line, text):
            return ""
        if not allow_comment and _is_comment_line(line, config, text):
            return ""
        return text(line)

    plain = [b for b in item.blocks if b.tag != "blockquote"]
    for allow_comment, blocks in ((False, plain), (True, item.blocks)):
        for block in blocks:
            for line in _lines(block):
                found = usable(line, allow_comment)
                if found:
                    return truncate(found, SUMMARY_CHARS)
    return truncate(html_to_text(html), SUMMARY_CHARS)


def _tags_per_item(tags: Sequence[str], texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Each item gets the tags it names; a tag no item names goes to every item."""
    named = {tag: [_names(text, tag) for text in texts] for tag in tags}
    return [tuple(tag for tag in tags if named[tag][n] or not any(named[tag])) for n in range(len(texts))]


def _names(text: str, tag: str) -> bool:
    """Whether folded text holds the tag as a word: 'AI' is not named by 'OpenAI'."""
    needle = tag.strip().casefold()
    if not needle:
        return False
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not (_wordish(needle[0]) and _wordish(before)) and not (_wordish(needle[-1]) and _wordish(after)):
            return True
        start = text.find(needle, start + 1)
    return False


def _wordish(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()
