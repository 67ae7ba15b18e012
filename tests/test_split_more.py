"""The "more" marker ends a post's summary, whichever generator wrote it; the content keeps all."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedwright.config import Config
from feedwright.markup import MarkdownRenderer
from feedwright.pipeline import post_entries

from .read_helpers import post_of

BODY = "First paragraph, the teaser.\n\nSecond paragraph.\n\n{marker}\n\nAfter the fold.\n"


@pytest.mark.parametrize("marker", ["<!-- more -->", "<!--more-->"])
def test_the_text_above_the_marker_is_the_summary(folder: Path, config: Config, marker: str) -> None:
    text = "---\ntitle: T\ndate: 2024-01-05\nsummary: From the front matter\n---\n" + BODY.format(marker=marker)
    entry = post_entries(post_of(folder, config, text), config, MarkdownRenderer()).article
    assert entry.summary == "First paragraph, the teaser. Second paragraph."
    assert "After the fold." in entry.content_html
    assert "feedwrightmore" not in entry.content_html
    assert "<p></p>" not in entry.content_html


def test_without_a_marker_the_front_matter_summary_stays(folder: Path, config: Config) -> None:
    text = "---\ntitle: T\ndate: 2024-01-05\nsummary: From the front matter\n---\nOne.\n\nTwo.\n"
    entry = post_entries(post_of(folder, config, text), config, MarkdownRenderer()).article
    assert entry.summary == "From the front matter"


def test_a_marker_inside_a_code_block_is_code(folder: Path, config: Config) -> None:
    text = "---\ntitle: T\ndate: 2024-01-05\n---\nOne.\n\n```html\n<!-- more -->\n```\n"
    entry = post_entries(post_of(folder, config, text), config, MarkdownRenderer()).article
    assert "&lt;!-- more --&gt;" in entry.content_html


def test_jekyll_style_per_post_separator(folder: Path, config: Config) -> None:
    text = "---\ntitle: T\ndate: 2024-01-05\nexcerpt_separator: <!--cut-->\n---\nTeaser.\n<!--cut-->\nRest.\n"
    entry = post_entries(post_of(folder, config, text), config, MarkdownRenderer()).article
    assert entry.summary == "Teaser."
    assert "Rest." in entry.content_html
