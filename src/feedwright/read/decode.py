"""A post file's bytes → its text: size limit, byte order mark, UTF-8 or GB18030, XML-safe characters."""

from __future__ import annotations

from pathlib import Path

from ..model import Problem
from ..text import first_xml_forbidden, strip_xml_forbidden
from .reject import Reject, Unreadable


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes; refused when it is over `limit` or cannot be read."""
    try:
        size = path.stat().st_size
        if size <= limit:
            # Read at most one byte over the limit: a file may grow after stat(). Asked for stat's size
            # plus one, not for the limit, read() sets aside a buffer of the post's size, not the
            # limit's (benchmarks/README.md, design notes).
            with path.open("rb") as handle:
                raw = handle.read(size + 1)
                if len(raw) > size:
                    raw += handle.read(limit - size)
            size = max(size, len(raw))
        if size > limit:
            raise Reject(
                f"file is {size:,}{'+' if size == limit + 1 else ''} bytes, over the limit of {limit:,}"
                " (raise limits.max_post_bytes in the config, or split the post)"
            )
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    return raw


def decode(raw: bytes, shown: str, problems: list[Problem]) -> str:
    """`raw` as text: UTF-8 (a byte order mark dropped), else GB18030 with a warning, else refused."""
    try:
        # surrogatepass: UTF-8 that encodes a lone surrogate (as some tools write) is read, and
        # the surrogate is removed afterwards with the other characters XML cannot carry.
        return raw.decode("utf-8-sig", "surrogatepass")
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = raw[: first_error.start + bom].count(b"\n") + 1
        raise Reject(
            f"not UTF-8 text (byte 0x{raw[first_error.start + bom]:02x}), nor GB18030; save the file as UTF-8", line
        ) from None
    problems.append(Problem(shown, "file is GB18030, not UTF-8; read it as GB18030 (save it as UTF-8)", "warning"))
    return text


def xml_safe(text: str, shown: str, problems: list[Problem]) -> str:
    """`text` without the characters XML cannot carry, with a warning that points at the first."""
    cleaned, bad = strip_xml_forbidden(text)
    if bad:
        # Point at the first one, so the author can find what an editor may not even show.
        first = first_xml_forbidden(text) or 0
        problems.append(
            Problem(
                shown,
                f"removed {bad} control or non-character code point(s) that XML cannot carry",
                "warning",
                text.count("\n", 0, first) + 1,
            )
        )
    return cleaned
