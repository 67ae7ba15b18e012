"""The one way a read stage step refuses a post: an error message, and the line it is about."""

from __future__ import annotations


class Reject(Exception):
    """Raised by any step to refuse the post; read_post turns it into an error Problem."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Unreadable(Reject):
    """The file system refused the file (permissions, I/O): nothing about its content is known.

    Unlike a post refused for what it says, one that could not be read may read fine next run
    with the same stat (a chmod changes none of it), so its rejection must not be remembered.
    """
