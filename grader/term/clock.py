"""Moments in a course (due dates, submission times) as timezone-aware datetimes: one parser for every source, so a
due date in the spec, on the command line, in `extensions.csv` and a Gradescope export's time compare correctly."""

from __future__ import annotations

import re
from datetime import date, datetime

_GRADESCOPE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*([+-]\d{2}):?(\d{2})$")


class MomentError(ValueError):
    """A time that cannot be read, or one without a UTC offset; the message says how to write it."""


def parse_moment(value: object) -> datetime:
    """ISO 8601 with a UTC offset (`2026-12-10T23:59:00+09:00`, `...Z`), a YAML timestamp, or Gradescope's
    `2026-12-10 23:59:12.123456 -0800`. A time without an offset is refused: its meaning depends on the machine."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise MomentError(f"{value}: give a time and a UTC offset too, like {value}T23:59:00+09:00")
    else:
        text = str(value).strip()
        match = _GRADESCOPE.match(text)
        if match:
            day, clock, fraction, hours, minutes = match.groups()
            text = f"{day}T{clock}.{(fraction or '0')[:6]:0<6}{hours}:{minutes}"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise MomentError(f"{value!r}: not a date and time; write it like 2026-12-10T23:59:00+09:00") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise MomentError(f"{value!r}: add a UTC offset (like +09:00 or Z), so the time means the same everywhere")
    return moment


def shown(moment: datetime) -> str:
    """ISO 8601 to the second, offset kept: what every output writes."""
    return moment.replace(microsecond=0).isoformat()
