"""The counters of an import run, in one dataclass that alone reads and writes a checkpoint's
`counters` column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# what the writer counts in each chunk, summed over the run
CHUNK_COUNTERS = (
    "created", "updated", "rejected", "skipped_closed", "duplicates_in_file",
    "prolocalisations_created", "prolocalisations_activated", "prolocalisations_deactivated",
    "sans_commune", "commune_inconnue", "naf_non_mappe",
)  # fmt: skip


@dataclass
class ImportCounters:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    skipped_closed: int = 0
    duplicates_in_file: int = 0
    prolocalisations_created: int = 0
    prolocalisations_activated: int = 0
    prolocalisations_deactivated: int = 0
    sans_commune: int = 0
    commune_inconnue: int = 0
    naf_non_mappe: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # rejected rows by reason

    @property
    def unchanged(self) -> int:
        """Rows read that were neither written, rejected nor skipped."""
        return (
            self.read - self.created - self.updated - self.rejected - self.skipped_closed
            - self.duplicates_in_file
        )  # fmt: skip

    def add_chunk(self, *, counts: Mapping[str, int], records: int, reasons: Iterable[str]) -> None:
        """One written chunk: the writer's counts, its records and its rejected rows' reasons."""
        for name in CHUNK_COUNTERS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))
        self.read += records
        self.reasons.update(reasons)

    def __add__(self, other: ImportCounters) -> ImportCounters:
        total = ImportCounters(reasons=self.reasons + other.reasons)
        for name in ("read", *CHUNK_COUNTERS):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        return total

    def as_dict(self) -> dict[str, int]:
        """Every counter by name, `unchanged` included (the reasons apart)."""
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "reasons"}
        return {**counts, "unchanged": self.unchanged}

    def to_json(self) -> dict[str, Any]:
        return {"counters": self.as_dict(), "reasons": dict(self.reasons)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportCounters:
        saved = data.get("counters") or {}
        counters = cls(reasons=Counter(data.get("reasons") or {}))
        for name in ("read", *CHUNK_COUNTERS):
            setattr(counters, name, int(saved.get(name, 0)))
        return counters
