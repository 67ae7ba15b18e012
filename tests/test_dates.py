"""dates.parse_date: every shape of front matter date → an aware datetime, or DateError."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from feedwright.dates import DateError, isoformat, parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLUS8 = timezone(timedelta(hours=8))


def at(*args: int, tz: timezone | ZoneInfo = SHANGHAI) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The corpus writes naive local times in quotes: they are Asia/Shanghai, not UTC.
        ("2023-01-17 19:01:21", at(2023, 1, 17, 19, 1, 21)),
        ("2024-1-5", at(2024, 1, 5)),
        ("2024-01-05 08:00", at(2024, 1, 5, 8, 0)),
        ("2024-01-05T08:00:00", at(2024, 1, 5, 8, 0)),
        ("2024/01/05 08:00", at(2024, 1, 5, 8, 0)),
        ("  2024-01-05 08:00:00  ", at(2024, 1, 5, 8, 0)),
        ("2024-01-05T08:00:00Z", at(2024, 1, 5, 8, 0, tz=UTC)),
        ("2024-01-05T08:00:00z", at(2024, 1, 5, 8, 0, tz=UTC)),
        ("2024-01-05 08:00:00 UTC", at(2024, 1, 5, 8, 0, tz=UTC)),
        ("2024-01-05T08:00:00+05:30", at(2024, 1, 5, 8, 0, tz=timezone(timedelta(hours=5, minutes=30)))),
        ("2024-01-05T08:00:00-0700", at(2024, 1, 5, 8, 0, tz=timezone(timedelta(hours=-7)))),
        ("2024-01-05T08:00:00+08", at(2024, 1, 5, 8, 0, tz=PLUS8)),
        ("2024-01-05T08:00:00.250+08:00", datetime(2024, 1, 5, 8, 0, 0, 250000, tzinfo=PLUS8)),
        ("Tue, 17 Jan 2023 19:01:21 +0800", at(2023, 1, 17, 19, 1, 21, tz=PLUS8)),
        ("Tue, 17 Jan 2023 11:01:21 GMT", at(2023, 1, 17, 11, 1, 21, tz=UTC)),
        ("17 Jan 2023 19:01:21 +0000", at(2023, 1, 17, 19, 1, 21, tz=UTC)),
        # An e-mail date without a zone is local, like every other zone-less date.
        ("Tue, 17 Jan 2023 19:01:21", at(2023, 1, 17, 19, 1, 21)),
    ],
)
def test_string_shapes(text: str, expected: datetime) -> None:
    got = parse_date(text, SHANGHAI)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


def test_naive_corpus_date_is_eight_hours_ahead_of_utc() -> None:
    got = parse_date("2023-01-17 19:01:21", SHANGHAI)
    assert got.astimezone(UTC) == datetime(2023, 1, 17, 11, 1, 21, tzinfo=UTC)
    assert isoformat(got) == "2023-01-17T19:01:21+08:00"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("date: 2023-01-17", at(2023, 1, 17)),
        ("date: 2023-01-17 19:01:21", at(2023, 1, 17, 19, 1, 21)),
        ("date: 2023-01-17T19:01:21+02:00", at(2023, 1, 17, 19, 1, 21, tz=timezone(timedelta(hours=2)))),
        ("date: 2023-01-17 11:01:21Z", at(2023, 1, 17, 11, 1, 21, tz=UTC)),
        ("date: '2023-01-17 19:01:21'", at(2023, 1, 17, 19, 1, 21)),
        ("date: 2024-1-5", at(2024, 1, 5)),  # PyYAML leaves this a string
        ("date: 20240105", at(2024, 1, 5)),  # and this a number
    ],
)
def test_values_as_yaml_gives_them(yaml_text: str, expected: datetime) -> None:
    value = yaml.safe_load(yaml_text)["date"]
    got = parse_date(value, SHANGHAI)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


def test_date_and_datetime_objects() -> None:
    assert parse_date(date(2024, 2, 29), SHANGHAI) == at(2024, 2, 29)
    assert parse_date(datetime(2024, 2, 29, 12, 30), SHANGHAI) == at(2024, 2, 29, 12, 30)
    aware = datetime(2024, 2, 29, 12, 30, tzinfo=UTC)
    assert parse_date(aware, SHANGHAI) == aware
    assert parse_date(aware, SHANGHAI).utcoffset() == timedelta(0)


def test_unix_time_number() -> None:
    assert parse_date(1700000000, SHANGHAI) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_result_is_always_aware() -> None:
    for value in ("2024-01-05", date(2024, 1, 5), datetime(2024, 1, 5), "Fri, 5 Jan 2024 10:00:00"):
        assert parse_date(value, SHANGHAI).tzinfo is not None


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "",
        "   ",
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "2024-01-05 25:00",
        "2024-01-05 24:00",
        "2024-01-05T08:00:00+25:00",
        "2024-01-05T08:00:00+24:00",
        "0000-01-01",
        "2024-01-05 08:00 and then some",
        "01/05/2024",
        "10:00",
        None,
        True,
        False,
        [2024, 1, 5],
        {"year": 2024},
        3.5,
        float("nan"),
        float("inf"),
        -1,
        10**400,
        b"2024-01-05",
    ],
)
def test_not_a_date(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value, SHANGHAI)
    # The message is meant for the person who wrote the post: one line, with an example.
    assert "\n" not in str(info.value)


def test_message_quotes_the_value_and_shows_the_expected_shape() -> None:
    with pytest.raises(DateError, match=r"'yesterday' is not a date.*2024-01-31 18:30:00"):
        parse_date("yesterday", SHANGHAI)


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01 00:00:00",  # 8 hours before datetime.min in UTC
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        datetime(1, 1, 1),
        date(1, 1, 1),
    ],
)
def test_instants_that_overflow_a_zone_change_are_rejected(value: object) -> None:
    # Sorting and rendering convert every date to UTC and to the site zone; an
    # OverflowError there would crash the build instead of rejecting one post.
    with pytest.raises(DateError):
        parse_date(value, SHANGHAI)


def test_far_dates_that_convert_are_kept() -> None:
    assert parse_date("9999-12-31 23:00", UTC) == datetime(9999, 12, 31, 23, tzinfo=UTC)
    assert parse_date("9999-12-31 23:00", SHANGHAI) == datetime(9999, 12, 31, 23, tzinfo=SHANGHAI)
    assert parse_date("0001-01-01 09:00", SHANGHAI) == datetime(1, 1, 1, 9, tzinfo=SHANGHAI)


# --- properties ---------------------------------------------------------------------------------

ZONES = st.one_of(
    st.timezones(),
    st.builds(
        timezone,
        st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)),
    ),
)
SITE_ZONES = st.sampled_from([SHANGHAI, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Pacific/Kiritimati")])
# Away from datetime.min/max, where moving to another zone would overflow (tested above).
MOST_DATES = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31))


@settings(max_examples=500, deadline=None)
@given(MOST_DATES, ZONES, SITE_ZONES)
def test_aware_isoformat_round_trips(naive: datetime, zone: timezone | ZoneInfo, site: ZoneInfo) -> None:
    d = naive.replace(tzinfo=zone)
    got = parse_date(d.isoformat(), site)
    # The same instant with the same offset. (== between zones is False inside a DST fold.)
    assert got.astimezone(UTC) == d.astimezone(UTC)
    assert got.utcoffset() == d.utcoffset()


@settings(max_examples=300, deadline=None)
@given(MOST_DATES, SITE_ZONES)
def test_naive_isoformat_is_read_in_the_site_zone(d: datetime, site: ZoneInfo) -> None:
    got = parse_date(d.isoformat(), site)
    assert got == d.replace(tzinfo=site)
    assert got.tzinfo is site


@settings(max_examples=300, deadline=None)
@given(MOST_DATES, SITE_ZONES)
def test_naive_with_space_separator_and_no_seconds(d: datetime, site: ZoneInfo) -> None:
    text = d.strftime("%Y-%m-%d %H:%M").rjust(16, "0")
    assert parse_date(text, site) == d.replace(second=0, microsecond=0, tzinfo=site)


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_date_error(text: str) -> None:
    try:
        got = parse_date(text, SHANGHAI)
    except DateError:
        return
    assert got.tzinfo is not None
    got.astimezone(UTC)


@settings(max_examples=500, deadline=None)
@given(
    st.from_regex(
        r"\A\s?\d{1,5}[-/.]\d{1,3}[-/.]\d{1,3}([T ]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,10})?)?)?"
        r"\s?(Z|UTC|[+-]\d{1,2}(:?\d{1,2}(:?\d{1,2})?)?)?\s?\Z"
    )
)
def test_date_like_text_parses_or_raises_date_error(text: str) -> None:
    try:
        got = parse_date(text, SHANGHAI)
    except DateError:
        return
    got.astimezone(UTC)
    got.astimezone(SHANGHAI)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.integers(min_value=-(10**20), max_value=10**20)))
def test_any_number_parses_or_raises_date_error(value: float) -> None:
    try:
        got = parse_date(value, SHANGHAI)
    except DateError:
        return
    assert got.tzinfo is not None
    got.astimezone(UTC)


# --- isoformat: how feeds print dates -------------------------------------------------------------

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$")


def test_isoformat_keeps_the_local_offset() -> None:
    assert isoformat(at(2024, 1, 5, 10, 0, 0)) == "2024-01-05T10:00:00+08:00"
    assert isoformat(datetime(2024, 1, 5, 10, 0, 0, 999999, tzinfo=UTC)) == "2024-01-05T10:00:00+00:00"


def test_isoformat_of_local_mean_time_is_valid_rfc3339() -> None:
    # Asia/Shanghai before 1901 is UTC+08:05:43, an offset RFC 3339 cannot write.
    value = parse_date("1899-12-31 10:00:00", SHANGHAI)
    assert value.utcoffset() == timedelta(hours=8, minutes=5, seconds=43)
    text = isoformat(value)
    assert RFC3339.match(text), text
    assert datetime.fromisoformat(text) == value


@settings(max_examples=300, deadline=None)
@given(MOST_DATES, ZONES)
def test_isoformat_is_always_rfc3339_and_the_same_instant(naive: datetime, zone: timezone | ZoneInfo) -> None:
    value = naive.replace(tzinfo=zone)
    text = isoformat(value)
    assert RFC3339.match(text), text
    assert datetime.fromisoformat(text) == value.astimezone(UTC).replace(microsecond=0)
