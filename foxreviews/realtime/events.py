"""The events the real-time layer carries: their types and versions, their ids (Redis stream
ids, `<milliseconds>-<sequence>`, one clock for every stream) and the envelope clients get."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

# type -> version of its `data`; a change that a client would misread gets a new version
EVENT_VERSIONS: dict[str, int] = {
    "import.started": 1,
    "import.progress": 1,  # at most one a second per import (IMPORT_PROGRESS_EVERY)
    "import.finished": 1,
    "import.failed": 1,
    "insee.sync.finished": 1,
    "avis.pending": 1,  # awaiting moderation
    "avis.flagged": 1,
    "revendication.pending": 1,  # a claim awaiting a decision
    "revendication.decided": 1,  # to its claimant
    "order.paid": 1,
    "order.cancelled": 1,
    "order.refunded": 1,
    "sponsorship.expiring": 1,
    "sponsorship.expired": 1,
}
# what the notify_* wrappers accept from a caller that names a type not in the list above
EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
EVENT_ID = re.compile(r"^(\d{1,15})-(\d{1,15})$")

# who an event is for: the staff's dashboard (orders also on their own stream), or one user
Audience = Literal["admins", "orders"] | int


class Envelope(TypedDict):
    id: str
    type: str
    version: int
    at: str
    data: dict[str, Any]


def event_type_valid(event_type: str) -> bool:
    return bool(EVENT_TYPE.match(event_type))


def parse_event_id(value: str) -> tuple[int, int] | None:
    """`<ms>-<seq>` as a comparable pair, or None for anything else."""
    match = EVENT_ID.match(value or "")
    return (int(match[1]), int(match[2])) if match else None


def event_time(event_id: str) -> str:
    milliseconds = int(event_id.partition("-")[0])
    return datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat(timespec="milliseconds")


def envelope(*, event_id: str, body: dict[str, Any]) -> Envelope:
    """The message a client gets, from a stream entry's id and its stored body."""
    return Envelope(
        id=event_id,
        type=body["type"],
        version=body["version"],
        at=event_time(event_id),
        data=body["data"],
    )
