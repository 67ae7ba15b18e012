"""feedwright: Markdown posts with front matter → Atom, RSS and JSON feeds."""

__version__ = "0.1.0"
