"""Retention keeps exactly the newest backup of each of the last 7 days and of the last 4 ISO
weeks that have one, on fabricated dates; other files of the folder are left alone."""

import os
from datetime import UTC, datetime, timedelta

from foxreviews.backups.destinations import FolderDestination
from foxreviews.backups.retention import backups_to_keep
from foxreviews.backups.services import prune, remove_stale_partials


def at(day: str, hour: int = 5) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_the_newest_of_the_last_7_days_and_of_the_last_4_iso_weeks_are_kept():
    # a backup every day from 1 October to Monday 30 November 2026, two on Sunday 29 November
    stamps = [at("2026-10-01") + timedelta(days=n) for n in range(61)] + [at("2026-11-29", 22)]
    kept = backups_to_keep(stamps, daily=7, weekly=4)
    assert sorted(kept) == [
        at("2026-11-15"),  # week 46 (9-15 November): its Sunday
        at("2026-11-22"),  # week 47
        at("2026-11-24"), at("2026-11-25"), at("2026-11-26"), at("2026-11-27"), at("2026-11-28"),
        at("2026-11-29", 22),  # the day's newest, and week 48's
        at("2026-11-30"),  # today, and week 49's (a Monday: the week's only backup)
    ]  # fmt: skip


def test_days_and_weeks_without_a_backup_do_not_count():
    stamps = [at("2026-06-01"), at("2026-08-03"), at("2026-08-04"), at("2026-11-02"),
              at("2026-11-02", 6)]  # fmt: skip
    assert backups_to_keep(stamps, daily=2, weekly=3) == {
        at("2026-11-02", 6), at("2026-08-04"), at("2026-06-01"),
    }  # fmt: skip
    assert backups_to_keep([], daily=7, weekly=4) == set()


def test_prune_deletes_the_dump_and_manifest_of_the_others_and_nothing_else(tmp_path, settings):
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 1
    stems = [f"foxreviews-202611{day:02d}T050000Z" for day in (20, 27, 28, 29)]
    for stem in stems:
        (tmp_path / f"{stem}.dump").write_bytes(b"x")
        (tmp_path / f"{stem}.manifest.json").write_text("{}")
    others = ["foxreviews-20261101T050000Z.dump",  # a dump without manifest: being written
              "autre-20261101T050000Z.dump", "autre-20261101T050000Z.manifest.json",  # another db
              "notes.txt"]  # fmt: skip
    for name in others:
        (tmp_path / name).write_text("")
    deleted = prune(FolderDestination(tmp_path), database="foxreviews")
    assert deleted == [f"{stems[0]}.dump", f"{stems[0]}.manifest.json",
                       f"{stems[1]}.dump", f"{stems[1]}.manifest.json"]  # fmt: skip
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"{stem}{suffix}" for stem in stems[2:] for suffix in (".dump", ".manifest.json")] + others
    )


def test_the_partial_files_of_killed_backups_go_after_a_day(tmp_path):
    now = 2_000_000_000.0
    ages = {"a-20261128T050000Z.dump.partial": 25, "b.manifest.json.partial": 30,
            "a-20261130T050000Z.dump.partial": 2, "a-20261101T050000Z.dump": 900}  # fmt: skip
    for name, hours_ago in ages.items():
        path = tmp_path / name
        path.write_bytes(b"x")
        os.utime(path, (now - hours_ago * 3600, now - hours_ago * 3600))
    assert remove_stale_partials(tmp_path, now=now) == [
        "a-20261128T050000Z.dump.partial", "b.manifest.json.partial",
    ]  # fmt: skip
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "a-20261101T050000Z.dump", "a-20261130T050000Z.dump.partial",
    ]  # fmt: skip
