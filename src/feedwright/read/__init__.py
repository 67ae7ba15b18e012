"""The read stage: the posts folder → its post files → one Post each, every field normalised.

Its steps, a module each: walk (which files), decode (bytes → text), frontmatter (text → a
mapping and a body), fields (the mapping → a Post's fields); post runs them for one file.
"""

from __future__ import annotations

from .post import ReadResult, read_post
from .walk import display_path, find_post_files, walk_posts

__all__ = ["ReadResult", "display_path", "find_post_files", "read_post", "walk_posts"]
