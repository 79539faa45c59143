"""The time written into generated files (a report's document properties and zip entries, a
form's time stamp): never the wall clock, so that the same inputs give the same bytes."""

from __future__ import annotations

import datetime as dt
import os


def build_time(default: dt.date) -> dt.datetime:
    """SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/), the
    seconds since 1970-01-01 UTC, when it is set to a whole number; else `default` (a date
    means its midnight). Naive, in UTC. A value that is not a whole number, or out of range,
    is ignored."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            pass
    if isinstance(default, dt.datetime):
        return default
    return dt.datetime(default.year, default.month, default.day)
