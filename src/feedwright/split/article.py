"""A Post and its HTML → Entries: the whole article, and one entry per news item of a digest."""

from __future__ import annotations

from ..config import Config
from ..model import Entry, Post, PostEntries, Problem
from ..text import truncate
from .digest import split_digest
from .summary import SUMMARY_CHARS, html_to_text


def wants_split(post: Post, config: Config) -> bool:
    """Front matter `split:` decides; otherwise a category listed in split.categories does."""
    if post.split is not None:
        return post.split
    wanted = {c.casefold() for c in config.split.categories}
    return any(c.casefold() in wanted for c in post.categories)


def article_entry(post: Post, html: str) -> Entry:
    summary = post.summary or truncate(html_to_text(html), SUMMARY_CHARS)
    return Entry(
        id=post.id,
        title=post.title,
        link=post.permalink,
        published=post.published,
        updated=post.updated,
        authors=post.authors,
        tags=post.tags,
        categories=post.categories,
        summary=summary,
        content_html=html,
        image=post.image,
        related=(),
        post_id=post.id,
        index=0,
        source=post.rel_path,
    )


def split_post(post: Post, html: str, config: Config) -> PostEntries:
    """The entries one post becomes; a digest whose items cannot be found stays whole, with a warning."""
    article = article_entry(post, html)
    if not wants_split(post, config):
        return PostEntries(article, (article,))
    items, problems = split_digest(post, html, config.split)
    if not items:
        warning = Problem(
            post.rel_path,
            f"marked for splitting but no news items (level-{config.split.heading_level} headings)"
            " were found; kept whole",
            "warning",
        )
        return PostEntries(article, (article,), (*problems, warning))
    return PostEntries(article, tuple(items), tuple(problems))
