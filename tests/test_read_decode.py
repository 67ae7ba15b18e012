"""read/decode.py: a file's bytes → text: the size limit, byte order marks, encodings."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from feedwright.config import Config
from feedwright.read import read_post

from .conftest import NOW
from .read_helpers import front, messages, post_of

# --- encodings -------------------------------------------------------------------------------------


def test_byte_order_mark(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "\ufeff" + front(title="带 BOM 的文章"))
    assert post.title == "带 BOM 的文章"


# --- a file that grows while it is read -----------------------------------------------------------


@pytest.mark.parametrize(("size", "rejected"), [(900, False), (1000, False), (5000, True)])
def test_a_file_that_grew_after_stat_is_read_up_to_the_limit(
    make_config: Callable[..., Config], folder: Path, monkeypatch: pytest.MonkeyPatch, size: int, rejected: bool
) -> None:
    config = make_config(folder, limits={"max_post_bytes": 1000})
    head = front()
    pad = "x" * (size - len(head.encode()))
    path = folder / "post.md"
    path.write_text(head + pad, encoding="utf-8")
    real_stat = Path.stat

    def stale_stat(self: Path, **kwargs: Any) -> os.stat_result:
        """What stat() said just before the file grew to its present size."""
        st = list(real_stat(self, **kwargs))
        if self == path:
            st[6] = 100  # st_size
        return os.stat_result(st)

    monkeypatch.setattr(Path, "stat", stale_stat)
    result = read_post(path, config, NOW, display="post.md")
    if rejected:
        assert result.post is None
        [error] = messages(result, "error")
        assert error.startswith("file is 1,001+ bytes, over the limit of 1,000")
    else:
        assert result.post is not None
        assert result.post.body == "Body text.\n" + pad
