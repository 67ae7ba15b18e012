"""Generator template syntax in a post's Markdown, rendered or removed, never published raw.

Posts written for Jekyll, Hugo, Hexo, Zola or Pelican hold their generator's tags and shortcodes
(`{% highlight %}`, `{{< figure >}}`, `{% asset_img %}`, `{{ youtube(id=…) }}`, kramdown's `{:…}`).
`preprocess` turns those a reader would miss into Markdown or HTML the sanitiser keeps, removes every
other one (keeping its inner text), and names what it removed for one warning per post. One module
per generator family: liquid.py (Jekyll, Pelican's liquid_tags), kramdown.py (Jekyll), hugo.py,
hexo.py, zola.py, pelican.py (`{filename}` link targets). Code blocks and code spans are untouched.
"""

from __future__ import annotations

import importlib

from ..config import Config
from ..model import Post, Problem
from .core import Pass, Shield, shield_code

__all__ = ["preprocess", "removed_warning", "syntax_problems"]

# The module of each generator, and what its syntax is called in the warning.
_FAMILY = {
    "jekyll": ("liquid", "Liquid tags"),
    "hugo": ("hugo", "Hugo shortcodes"),
    "hexo": ("hexo", "Hexo tags"),
    "zola": ("zola", "Zola shortcodes"),
    "pelican": ("pelican", "Liquid tags"),
}


def preprocess(body: str, post: Post, config: Config) -> tuple[str, list[str]]:
    """The Markdown to render for `post`, and the tags or shortcodes removed from it (in order found)."""
    family = _FAMILY.get(config.generator.name)
    if family is None:
        return body, []
    module = importlib.import_module(f".{family[0]}", __name__)
    shield = Shield(body)
    state = Pass(shield, config, post.source, post.permalink)
    text = module.escapes(body, state)
    text = shield_code(text, shield)
    text = module.transform(text, state)
    return shield.restore(text), state.removed


def removed_warning(post: Post, removed: list[str], config: Config) -> Problem | None:
    """One warning naming every tag or shortcode removed from the post, or None."""
    if not removed:
        return None
    label = _FAMILY.get(config.generator.name, ("", "template tags"))[1]
    return Problem(post.rel_path, f"removed {label} it cannot render: {', '.join(removed)}", "warning")


def syntax_problems(post: Post, config: Config) -> tuple[Problem, ...]:
    """The warning post_entries gives, for a post whose Markdown is rendered later (engine/, deferred)."""
    if config.generator.name not in _FAMILY:
        return ()
    found = removed_warning(post, preprocess(post.body, post, config)[1], config)
    return (found,) if found is not None else ()
