"""Which backups retention keeps: the newest of each of the last `daily` days that have a
backup, and the newest of each of the last `weekly` ISO weeks (Monday to Sunday, UTC) that have
one; every other backup is deleted. A day or a week without a backup does not count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def backups_to_keep(stamps: Iterable[datetime], *, daily: int, weekly: int) -> set[datetime]:
    keep: set[datetime] = set()
    days: set = set()
    weeks: set = set()
    for stamp in sorted(stamps, reverse=True):  # newest first: the first seen of a day is kept
        day, week = stamp.date(), stamp.isocalendar()[:2]
        if day not in days:
            days.add(day)
            if len(days) <= daily:
                keep.add(stamp)
        if week not in weeks:
            weeks.add(week)
            if len(weeks) <= weekly:
                keep.add(stamp)
    return keep
