"""read/post.py: one file → a ReadResult, from its bytes to a Post, with the digest the cache keys it by."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from feedwright.config import Config
from feedwright.model import Author

from .read_helpers import CORPUS_STYLE, SHANGHAI, front, read

# --- a whole post ---------------------------------------------------------------------------------


def test_corpus_style_post_is_normalised(folder: Path, config: Config) -> None:
    result = read(folder, config, CORPUS_STYLE, "2019/07/11043.md")
    post = result.post
    assert post is not None
    assert result.problems == ()
    assert post.title == "在 Linux 中锁定和解锁用户帐户的三种方法"
    assert post.published == datetime(2019, 7, 1, 17, 4, 22, tzinfo=SHANGHAI)
    assert post.published.utcoffset() == timedelta(hours=8)
    assert post.updated == datetime(2019, 7, 3, 8, 0, tzinfo=SHANGHAI)
    assert post.tags == ("账号", "Linux")
    assert post.categories == ("技术",)
    assert post.authors == (Author("Magesh Maruthamuthu"),)
    assert post.permalink == "https://linux.cn/article-11043-1.html"
    assert post.id == post.permalink  # `id: 11043` is not a URI
    assert post.image == "https://linux.cn/data/attachment/album/201907/01/170410j3tp77ymda3i9wz7.jpg"
    assert post.summary == "如果你已经在你的组织中实施了某种密码策略， 你无需看这篇文章了。"
    assert post.body == "正文第一段。\n"
    assert post.body_line == CORPUS_STYLE.splitlines().index("正文第一段。") + 1
    assert post.slug == "11043"
    assert post.rel_path == "2019/07/11043.md"
    assert post.extra["translator"] == "heguangzhi"


# --- the digest -----------------------------------------------------------------------------------


def test_the_digest_is_of_the_bytes_parsed(folder: Path, config: Config) -> None:
    """The cache keys a post by its hash: it must be the hash of what was parsed, taken from that read."""
    text = front(title="Hashed") + "中文 body\n"
    result = read(folder, config, text)
    assert result.post is not None
    assert result.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    rejected = read(folder, config, "---\ntitle: [unclosed\n---\nbody\n", name="bad.md")
    assert rejected.post is None
    assert rejected.digest == hashlib.sha256(b"---\ntitle: [unclosed\n---\nbody\n").hexdigest()


def test_a_file_over_the_limit_has_no_digest(make_config: Callable[..., Config], folder: Path) -> None:
    """Its bytes were not all read; the caller hashes the file itself when it needs to."""
    config = make_config(folder, limits={"max_post_bytes": 100})
    result = read(folder, config, front() + "x" * 200)
    assert result.post is None
    assert result.digest == ""
