"""Where events are kept for replay: one capped Redis stream per audience (the last
REALTIME_STREAM_MAXLEN events and REALTIME_STREAM_RETENTION_SECONDS at most), every entry's id
given by one clock so that an event sent to two audiences has one id, and ids from any stream
compare."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from functools import cache

import redis
import redis.asyncio
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from .events import Envelope, envelope, parse_event_id

# KEYS: the clock, then (stream, floor) per audience; ARGV: body, maxlen, retention (ms).
# The id is the clock's next one (never below the last, whatever the server's time does);
# a trimmed stream's floor keeps the newest id it dropped: a client behind it must resync.
PUBLISH = """
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local seq = 0
local last = redis.call('GET', KEYS[1])
if last then
  local lms, lseq = string.match(last, '^(%d+)-(%d+)$')
  if tonumber(lms) >= ms then
    ms = tonumber(lms)
    seq = tonumber(lseq) + 1
  end
end
local id = string.format('%.0f-%.0f', ms, seq)
redis.call('SET', KEYS[1], id)
local maxlen = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local minid = string.format('%.0f-0', math.max(ms - retention, 0))
for i = 2, #KEYS, 2 do
  local stream, floor = KEYS[i], KEYS[i + 1]
  redis.call('XADD', stream, id, 'e', ARGV[1])
  local dropped = false
  local excess = redis.call('XLEN', stream) - maxlen
  if excess > 0 then
    local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
    dropped = old[#old][1]
    redis.call('XTRIM', stream, 'MAXLEN', maxlen)
  end
  local aged = redis.call('XREVRANGE', stream, '(' .. minid, '-', 'COUNT', 1)
  if #aged > 0 then
    dropped = aged[1][1]
    redis.call('XTRIM', stream, 'MINID', minid)
  end
  if dropped then
    redis.call('SET', floor, dropped)
  end
  redis.call('PEXPIRE', stream, retention)
  redis.call('PEXPIRE', floor, retention)
end
return id
"""


def stream_name(audience: str | int) -> str:
    """`admins`, `orders`, or `user:<id>` for a user's own events."""
    return audience if isinstance(audience, str) else f"user:{audience}"


def _key(*parts: str) -> str:
    return ":".join((settings.REALTIME_KEY_PREFIX, *parts))


def clock_key() -> str:
    return _key("clock")


def stream_key(name: str) -> str:
    return _key("stream", name)


def floor_key(name: str) -> str:
    return _key("floor", name)


@cache
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def sync_client() -> redis.Redis:
    """For sync code (services, tasks): a client shared by the process's threads."""
    return _sync_client(settings.REALTIME_REDIS_URL)


def async_client() -> redis.asyncio.Redis:
    """For one connection's reads (close it after): an asyncio client is its event loop's.
    No read timeout: XREAD BLOCK waits longer than redis-py's default 5 s."""
    return redis.asyncio.Redis.from_url(settings.REALTIME_REDIS_URL, socket_timeout=None)


def append(*, streams: list[str], body: dict) -> str:
    """Add one event to these streams under one new id; returns it."""
    keys = [clock_key()]
    for name in streams:
        keys += [stream_key(name), floor_key(name)]
    text = json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":"))
    retention_ms = settings.REALTIME_STREAM_RETENTION_SECONDS * 1000
    client = sync_client()
    event_id = client.eval(
        PUBLISH, len(keys), *keys, text, settings.REALTIME_STREAM_MAXLEN, retention_ms
    )
    return event_id.decode()


async def position(client: redis.asyncio.Redis) -> str:
    """The id of the newest event of any stream ("0-0" before the first)."""
    last = await client.get(clock_key())
    return last.decode() if last else "0-0"


async def can_resume(client: redis.asyncio.Redis, *, stream: str, after: str) -> bool:
    """Whether every event of `stream` after `after` is still kept: not malformed, not from the
    future (another Redis), not behind what trimming dropped (the floor lives as long as its
    stream), and, for a stream gone quiet long enough to expire, not older than its retention
    (events before may have gone with it)."""
    wanted = parse_event_id(after)
    if wanted is None or wanted > parse_event_id(await position(client)):
        return False
    floor, exists = await client.get(floor_key(stream)), await client.exists(stream_key(stream))
    if floor is not None:
        return wanted >= parse_event_id(floor.decode())
    if exists:
        return True
    oldest_kept_ms = int(time.time() * 1000) - settings.REALTIME_STREAM_RETENTION_SECONDS * 1000
    return wanted[0] >= oldest_kept_ms


def _entries(raw: list) -> list[Envelope]:
    return [envelope(event_id=i.decode(), body=json.loads(f[b"e"])) for i, f in raw]


async def read_after(
    client: redis.asyncio.Redis, *, stream: str, after: str, batch: int = 500
) -> AsyncIterator[list[Envelope]]:
    """The events of `stream` after the id `after`, oldest first, in batches."""
    while True:
        raw = await client.xrange(stream_key(stream), min=f"({after}", count=batch)
        if not raw:
            return
        events = _entries(raw)
        yield events
        after = events[-1]["id"]
        if len(raw) < batch:
            return


async def wait_after(
    client: redis.asyncio.Redis, *, stream: str, after: str, block_ms: int
) -> list[Envelope]:
    """The events after `after`, as soon as there is one, or [] after `block_ms`."""
    answer = await client.xread({stream_key(stream): after}, count=500, block=block_ms)
    return _entries(answer[0][1]) if answer else []


def progress_key(name: str) -> str:
    return _key("progress", name)


def ticket_key(ticket_id: str) -> str:
    return _key("ticket", ticket_id)
