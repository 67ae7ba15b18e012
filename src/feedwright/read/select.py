"""Which files under the posts folder are posts: the generator's rules and the config's `exclude` globs."""

from __future__ import annotations

from dataclasses import dataclass

import pathspec

from ..config import Config
from ..generators import SiteRules, rules_for


@dataclass(frozen=True)
class Selection:
    """Decides, from a file's path relative to the posts folder alone, whether it is a post."""

    rules: SiteRules
    # gitignore-style patterns: what people already write to keep files out of a site.
    excluded: pathspec.GitIgnoreSpec

    def wants(self, rel: str) -> bool:
        return (
            rel.endswith(self.rules.extensions) and not self.excluded.match_file(rel) and self.rules.skip(rel) is None
        )


def selection(config: Config) -> Selection:
    return Selection(rules_for(config), pathspec.GitIgnoreSpec.from_lines(config.exclude))
