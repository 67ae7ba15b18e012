"""The syntax pass on any text: it never raises, never takes more than linear time, and leaves
text with no generator syntax exactly as it was."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedwright.config import Config, config_from_mapping
from feedwright.model import Post
from feedwright.syntax import preprocess

GENERATORS = ("jekyll", "hugo", "hexo", "zola", "pelican")
# Pieces of every generator's syntax, and of Markdown's code, for the strategy to put together.
PIECES = (
    "{%", "%}", "{{", "}}", "{{<", ">}}", "{{%", "%}}", "{:", "{::", "{:/", "}", "{", "`", "```", "~~~",
    "    ", "\n", "\n\n", "* ", "raw", "endraw", "highlight", "endhighlight", "end", "/", "/*", "*/",
    "(", ")", '"', "'", "=", "figure", "youtube", "ref", "codeblock", "endcodeblock", "post_url",
    "{filename}", "{static}", "toc", "x", " ",
)  # fmt: skip


def config(tmp_path: Path, generator: str) -> Config:
    data = {"site": {"title": "T", "base_url": "https://example.org/"}, "posts": "p", "generator": generator}
    return config_from_mapping(data, root=tmp_path)


def post(body: str, tmp_path: Path) -> Post:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    return Post(
        tmp_path / "p" / "a.md", "a.md", "https://example.org/a/", "a", "A", when, when, (), (), (),
        "https://example.org/a/", None, "", body, 1,
    )  # fmt: skip


@pytest.mark.parametrize("generator", GENERATORS)
@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=60))
def test_any_text_never_raises(generator: str, parts: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.getbasetemp()
    body = "".join(parts)
    text, removed = preprocess(body, post(body, root), config(root, generator))
    assert isinstance(text, str) and all(isinstance(r, str) for r in removed)


@pytest.mark.parametrize("generator", GENERATORS)
@settings(max_examples=40, deadline=None)
@given(body=st.text(alphabet=st.characters(blacklist_characters="{`|"), max_size=200))
def test_text_without_syntax_or_code_is_unchanged(
    generator: str, body: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.getbasetemp()
    assert preprocess(body, post(body, root), config(root, generator)) == (body, [])


HOSTILE = (
    "{% " * 40_000,
    "{%raw%}" * 20_000,
    "{% if %}" * 20_000,
    "{% highlight %}" * 20_000,
    "{% blockquote %}" * 5_000 + "{% endblockquote %}" * 5_000,
    "{{< x " * 40_000,
    "{{< note >}}" * 20_000,
    '{{< x "' * 30_000,
    "{{</* " * 30_000,
    "{{ x(" * 40_000,
    "{% x() %}" * 20_000,
    "`" * 100_000,
    "`a`` " * 30_000,
    "```\n" * 30_000,
    "```\n~~~\n" * 20_000,
    "    x\n\n" * 30_000,
    "{::comment}" * 30_000,
    "{:" * 50_000,
    "{filename}" * 30_000,
    "* TOC\n" * 30_000,
)


@pytest.mark.parametrize("generator", GENERATORS)
def test_hostile_text_takes_linear_time(generator: str, tmp_path: Path) -> None:
    """Each input of ~200 kB is done well within a second (a quadratic scan would take minutes)."""
    cfg = config(tmp_path, generator)
    for body in HOSTILE:
        started = time.perf_counter()
        preprocess(body, post(body, tmp_path), cfg)
        assert time.perf_counter() - started < 2.0, (generator, body[:20])
