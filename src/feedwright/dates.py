"""Front matter date values (YAML dates, datetimes, many string shapes) → aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

_DATE_RE = re.compile(
    r"""^\s*
    (?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})
    (?:[T\s]+
        (?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
    )?
    # Offsets may carry seconds (and a fraction): Python's isoformat() writes them for
    # historical local-mean-time zones, and such a value must read back as written.
    \s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?
    \s*$""",
    re.VERBOSE,
)


class DateError(ValueError):
    """A value that is not a date; the message says what was found."""


def parse_date(value: object, tz: tzinfo) -> datetime:
    """Return an aware datetime; values without a zone are read in `tz`.

    Accepts what YAML gives (datetime, date) and strings such as
    '2023-01-17 19:01:21', '2024-1-5', '2024-01-05 08:00', ISO 8601 with or
    without offset, and e-mail style dates ('Tue, 17 Jan 2023 19:01:21 +0800').
    """
    return _representable(_parse(value, tz), tz)


def _parse(value: object, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tz)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise DateError(f"expected a date such as 2024-01-31 18:30:00, got {type(value).__name__}")
    if isinstance(value, (int, float)):
        # YAML reads '20240131' as a number; a Unix time is the other plausible meaning.
        text = str(value)
        if isinstance(value, int) and len(text) == 8:
            return _from_match(_DATE_RE.match(f"{text[:4]}-{text[4:6]}-{text[6:]}"), text, tz)
        if value > 10**8:
            try:
                return datetime.fromtimestamp(float(value), UTC).astimezone(tz)
            except (OverflowError, OSError, ValueError):
                pass
        raise DateError(f"'{value}' is not a date (write it as 2024-01-31 18:30:00)")
    text = value.strip()
    if not text:
        raise DateError("the date is empty (write it as 2024-01-31 18:30:00)")
    match = _DATE_RE.match(text)
    if match:
        return _from_match(match, text, tz)
    try:
        from email.utils import parsedate_to_datetime

        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _aware(parsed, tz)
    raise DateError(f"'{_short(text)}' is not a date (write it as 2024-01-31 18:30:00)")


def _from_match(match: re.Match[str] | None, text: str, tz: tzinfo) -> datetime:
    if match is None:
        raise DateError(f"'{_short(text)}' is not a date (write it as 2024-01-31 18:30:00)")
    g = match.groupdict()
    frac = (g["f"] or "0")[:6].ljust(6, "0")
    try:
        naive = datetime(
            int(g["y"]),
            int(g["m"]),
            int(g["d"]),
            int(g["H"] or 0),
            int(g["M"] or 0),
            int(g["S"] or 0),
            int(frac),
        )
    except ValueError as exc:
        raise DateError(f"'{_short(text)}' is not a valid date: {exc}") from None
    zone = g["tz"]
    if zone is None:
        return _aware(naive, tz)
    if zone.upper() in ("Z", "UTC", "GMT"):
        return naive.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    digits, _, fraction = zone[1:].replace(":", "").partition(".")
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4] or 0), int(digits[4:6] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise DateError(f"'{_short(text)}' has an impossible UTC offset")
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    offset = timedelta(hours=hours, minutes=minutes, seconds=seconds, microseconds=micro)
    return naive.replace(tzinfo=timezone(sign * offset))


def _representable(value: datetime, tz: tzinfo) -> datetime:
    """Reject instants that overflow when moved to UTC or the site's zone.

    '0001-01-01' read in UTC+8 lies before datetime.min in UTC; every later stage
    (sorting, feed dates) converts zones, so such a value must fail here, as a DateError.
    """
    try:
        value.astimezone(UTC)
        value.astimezone(tz)
    except (OverflowError, ValueError):
        raise DateError(f"'{value.isoformat()}' is out of the range of dates a feed can carry") from None
    return value


def _aware(value: datetime, tz: tzinfo) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        # fold=0 picks the earlier of two wall times in a DST overlap, deterministically.
        return value.replace(tzinfo=tz, fold=0)
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def whole_minute_offset(value: datetime) -> datetime:
    """`value`, or the same instant in UTC when its offset is not a whole number of minutes.

    RFC 3339 and RFC 822 offsets are whole minutes. Local mean time is not (Asia/Shanghai
    before 1901 is +08:05:43), so such an instant is written in UTC rather than with an
    offset that cannot be written.
    """
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        return value.astimezone(UTC)
    return value


def isoformat(value: datetime) -> str:
    """RFC 3339 with the offset, seconds precision, as feeds and `show --json` print it."""
    return whole_minute_offset(value).isoformat(timespec="seconds")
