"""Tag and category names → folder names that are safe on every file system."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_MAX_BYTES = 120
_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}  # fmt: skip


def slugify(name: str) -> str:
    """Keep letters and digits of any script; ASCII lower-cased; the rest becomes '-'.

    The result never holds '/', '\\', '..', a leading dot or a control character,
    is at most 120 bytes of UTF-8, and is never empty or a Windows device name.
    """
    text = unicodedata.normalize("NFKC", name)
    out: list[str] = []
    for ch in text:
        if ch.isalnum():
            out.append(ch.lower() if ch.isascii() else ch)
        elif unicodedata.category(ch).startswith("M") and out and out[-1] != "-":
            # Vowel signs and viramas are part of a letter in Indic scripts: 'हिन्दी' must not become 'ह-न-द'.
            out.append(ch)
        elif ch in "+#" and ch.isascii():
            # 'C++' and 'C#' must not collide with 'C'.
            out.append({"+": "plus", "#": "sharp"}[ch])
        else:
            out.append("-")
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    if not slug:
        return "_" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if len(slug.encode("utf-8")) > _MAX_BYTES:
        digest = hashlib.sha1(slug.encode("utf-8")).hexdigest()[:10]
        cut = slug.encode("utf-8")[: _MAX_BYTES - 11].decode("utf-8", "ignore").rstrip("-")
        slug = f"{cut}-{digest}"
    if slug.split(".")[0] in _RESERVED:
        slug = f"{slug}-"
    return slug
