"""Feed files and URLs: every format's URL is the folder's URL plus its file name, percent-encoded."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from feedwright.render.urls import FILENAMES, feed_file, feed_href, feed_url, feed_urls

_segment = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/"), min_size=1, max_size=12)


@given(st.lists(_segment, max_size=3).map("/".join))
def test_feed_urls_match_feed_url_for_every_format(path: str) -> None:
    urls = feed_urls("https://example.org/feeds/", path)
    assert urls == {fmt: feed_url("https://example.org/feeds/", path, fmt) for fmt in FILENAMES}
    assert all(url.isascii() for url in urls.values())


def test_a_chinese_tag_folder_is_percent_encoded() -> None:
    assert feed_urls("https://linux.cn/", "tags/硬核观察")["atom"] == (
        "https://linux.cn/tags/%E7%A1%AC%E6%A0%B8%E8%A7%82%E5%AF%9F/atom.xml"
    )
    assert feed_urls("https://linux.cn/", "")["rss"] == "https://linux.cn/rss.xml"


@given(st.lists(_segment, max_size=3).map("/".join), st.sampled_from(sorted(FILENAMES)))
def test_a_feeds_file_href_and_url_name_the_same_file(path: str, fmt: str) -> None:
    href = feed_href(path, fmt)
    assert unquote(href) == feed_file(path, fmt)
    assert feed_url("https://example.org/feeds/", path, fmt) == f"https://example.org/feeds/{href}"
