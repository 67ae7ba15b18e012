"""slug.slugify: tag and category names → folder names safe on every file system."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedwright.slug import slugify

MAX_BYTES = 120


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ubuntu MATE", "ubuntu-mate"),
        (".NET", "net"),
        ("C++", "cplusplus"),
        ("C#", "csharp"),
        ("C", "c"),
        ("OS/2", "os-2"),
        ("开源软件", "开源软件"),
        ("Linux 中国", "linux-中国"),
        ("Python 3.12", "python-3-12"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("a/b", "a-b"),
        ("a\\b", "a-b"),
        ("  Spaces  around ", "spaces-around"),
        ("ＦＵＬＬ　ＷＩＤＴＨ", "full-width"),  # NFKC folds full-width Latin
        ("हिन्दी", "हिन्दी"),  # vowel signs are part of the letters
        ("Tiếng Việt", "tiếng-việt"),
    ],
)
def test_examples(name: str, expected: str) -> None:
    assert slugify(name) == expected


def test_plus_and_sharp_do_not_collide_with_the_bare_letter() -> None:
    assert len({slugify("C"), slugify("C++"), slugify("C#")}) == 3


@pytest.mark.parametrize("name", ["CON", "con", "Prn", "AUX", "nul", "COM1", "lpt9"])
def test_windows_device_names_are_avoided(name: str) -> None:
    slug = slugify(name)
    assert slug.lower() not in {"con", "prn", "aux", "nul", "com1", "lpt9"}
    assert slug.startswith(name.lower())  # still recognisable


@pytest.mark.parametrize("name", ["..", ".", "...", "!!!", "/", "\\", "", "   ", "\x00", "-", "\u0301"])
def test_names_without_letters_get_a_stable_non_empty_slug(name: str) -> None:
    slug = slugify(name)
    assert slug
    assert slug not in (".", "..")
    assert not slug.startswith(".")
    assert "/" not in slug
    assert slug == slugify(name)


def test_names_without_letters_do_not_share_one_slug() -> None:
    # '!!!' and '???' are different tags: a shared slug would merge their feeds.
    assert slugify("!!!") != slugify("???")
    assert slugify("..") != slugify("...")


def test_long_names_are_cut_to_120_bytes_and_stay_distinct() -> None:
    long_a = "x" * 300
    long_b = "x" * 299 + "y"
    assert len(slugify(long_a).encode("utf-8")) <= MAX_BYTES
    assert slugify(long_a) != slugify(long_b)
    chinese = "中" * 300  # 3 bytes each: the cut must not split a character
    slug = slugify(chinese)
    assert len(slug.encode("utf-8")) <= MAX_BYTES
    assert slug.startswith("中" * 10)
    slug.encode("utf-8").decode("utf-8")


def _assert_safe(slug: str) -> None:
    assert slug, "empty slug"
    assert "/" not in slug
    assert "\\" not in slug
    assert ".." not in slug
    assert not slug.startswith(".")
    assert "\x00" not in slug
    for ch in slug:
        assert unicodedata.category(ch) not in ("Cc", "Cs"), f"control or surrogate {ch!r} in {slug!r}"
    assert len(slug.encode("utf-8")) <= MAX_BYTES
    assert slug.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_gives_a_safe_slug(name: str) -> None:
    slug = slugify(name)
    _assert_safe(slug)
    assert slugify(name) == slug  # same input, same output


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_ascii_letters_are_lower_cased(name: str) -> None:
    slug = slugify(name)
    assert not any("A" <= ch <= "Z" for ch in slug)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400))
def test_a_folder_named_by_the_slug_stays_inside_its_parent(name: str) -> None:
    slug = slugify(name)
    with tempfile.TemporaryDirectory() as tmp:
        parent = Path(tmp) / "tags"
        parent.mkdir()
        folder = parent / slug
        folder.mkdir()
        (folder / "atom.xml").write_bytes(b"<feed/>")
        assert folder.resolve().parent == parent.resolve()
        assert [p.name for p in parent.iterdir()] == [slug]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1))
def test_lone_surrogates_never_break_it(name: str) -> None:
    # Text decoded with surrogateescape can reach slugify; it must not raise.
    _assert_safe(slugify(name + "\udc80"))
