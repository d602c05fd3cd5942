"""Dates of the precision a source gives (day, month, year) as the period of days they cover."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def period(value: str) -> Period | None:
    """The days ``2025-10-25``, ``2025-10`` or ``2025`` cover; None for 'unknown', empty or invalid."""
    value = value.strip()
    try:
        if _DAY.match(value):
            day = dt.date.fromisoformat(value)
            return Period(day, day)
        if _MONTH.match(value):
            year, month = int(value[:4]), int(value[5:])
            last = calendar.monthrange(year, month)[1]
            return Period(dt.date(year, month, 1), dt.date(year, month, last))
        if _YEAR.match(value):
            return Period(dt.date(int(value), 1, 1), dt.date(int(value), 12, 31))
    except ValueError:
        return None
    return None
