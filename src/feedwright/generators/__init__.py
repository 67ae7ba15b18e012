"""Each site generator's rules (one module per generator) and how `feedwright init` finds them.

A generator's module exposes `Rules` (a SiteRules), `detect(root) -> bool` (do these files look like
its site?) and `read_site(root) -> SiteFacts` (what its own config says), so adding one is adding a
module and its name to config.GENERATORS.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from ..config import GENERATORS, Config
from .base import SiteFacts, SiteRules

__all__ = ["SiteFacts", "SiteRules", "detect", "module_of", "rules_for"]


def module_of(name: str) -> ModuleType:
    return importlib.import_module(f".{name}", __name__)


def rules_for(config: Config) -> SiteRules:
    name = config.generator.name
    if name == "plain":
        return SiteRules(config)
    rules: SiteRules = module_of(name).Rules(config)
    return rules


def detect(root: Path) -> list[str]:
    """The generators whose site `root` looks like, most specific first."""
    return [name for name in GENERATORS if name != "plain" and module_of(name).detect(root)]
