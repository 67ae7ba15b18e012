"""markup.py: Markdown → HTML within the limits; a post that cannot be rendered is that post's problem."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from feedwright import markup
from feedwright.config import Config, SanitizeConfig
from feedwright.markup import MarkdownRenderer, MarkupError, to_html
from feedwright.pipeline import read_and_split

from .conftest import NOW, write_post

PAGE = "https://example.org/2024/01/post/"


def test_a_body_renders_to_clean_absolute_html() -> None:
    html = to_html(MarkdownRenderer(), "# 标题\n\n[link](../other/) <script>x</script>", PAGE, SanitizeConfig(), 10)
    assert 'id="标题"' in html
    assert 'href="https://example.org/2024/01/other/"' in html
    assert "<script" not in html


def test_markdown_that_takes_too_long_is_stopped_at_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(MarkupError, match=r"limits\.render_seconds"):
        to_html(MarkdownRenderer(), "[" * 20000, PAGE, SanitizeConfig(), 0.3)
    assert time.monotonic() - started < 5
    # The renderer is usable again for the next post.
    assert "<p>next</p>" in to_html(MarkdownRenderer(), "next", PAGE, SanitizeConfig(), 0.3)


class _Deep(MarkdownRenderer):
    def render(self, body: str) -> str:
        raise RecursionError


def test_nesting_too_deep_to_render_is_a_markup_error() -> None:
    with pytest.raises(MarkupError, match="nested too deeply"):
        to_html(_Deep(), "> " * 10, PAGE, SanitizeConfig(), 0)


def test_a_post_past_the_limit_is_published_as_plain_text_with_a_warning(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    body = "<b>bold</b> " + "[" * 20000
    path = write_post(tmp_path / "posts", "slow.md", "---\ntitle: Slow\ndate: 2024-01-01\n---\n" + body + "\n")
    config = make_config(tmp_path / "posts", limits={"render_seconds": 0.3})
    result = read_and_split(path, config, NOW, MarkdownRenderer())
    assert result.entries is not None
    html = result.entries.article.content_html
    assert html.startswith("<pre>&lt;b&gt;bold&lt;/b&gt; [[[") and "<b>" not in html
    [problem] = result.problems
    assert problem.severity == "warning" and "slow.md" in problem.path and "plain text" in problem.message


def test_two_renderers_cleaning_at_once_each_resolve_against_their_own_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page a clean resolves against belongs to that clean alone: another page cleaned meanwhile in
    the same thread (here, from inside the first one's URL hook) changes nothing of the first one's URLs."""
    other_page = "https://example.org/2030/12/elsewhere/"
    nested: list[str] = []
    real = markup.resolve_url

    def resolving(value: str, page_url: str, root: str | None) -> str | None:
        if not nested:
            nested.append("")  # once: the nested clean resolves through here too
            nested[0] = to_html(MarkdownRenderer(), "[there](far/)", other_page, SanitizeConfig(), 0)
        return real(value, page_url, root)

    monkeypatch.setattr(markup, "resolve_url", resolving)
    body = "[one](one/) ![two](two.png) [three](/three/) [four](#four)"
    html = to_html(MarkdownRenderer(), body, PAGE, SanitizeConfig(), 0)
    assert nested == [f'<p><a href="{other_page}far/">there</a></p>']
    for url in (f"{PAGE}one/", f"{PAGE}two.png", "https://example.org/three/", f"{PAGE}#four"):
        assert f'"{url}"' in html, html
    assert "elsewhere" not in html
