"""Reads of the admin dashboard: each a few indexed rows or a materialized figure, never a count
over the directory's big tables (4 million entreprises)."""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

import redis
import structlog
from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from kombu.transport.redis import Channel as RedisChannel
from redis.exceptions import RedisError

from foxreviews.core.request_metrics import api_minutes
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.realtime import streams
from foxreviews.realtime.events import envelope

from .feed import describe

logger = structlog.get_logger(__name__)

# below this many rows (as the planner last saw the table) a table is counted exactly
EXACT_COUNT_BELOW = 100_000
RECENTLY_ENDED = timedelta(minutes=10)  # an import that ended this recently keeps its bar
FEED_SIZE = 50
WORKERS_KEY = "dashboard:workers"
WORKERS_TTL = 10  # seconds a ping's answer is shown before the next one
PING_TIMEOUT = 0.5


COUNTERS_SQL = """
WITH totals AS (SELECT entreprises, refreshed_at FROM stats_totals),
     estimate AS (SELECT reltuples::bigint AS n FROM pg_class
                  WHERE oid = 'enterprise_prolocalisation'::regclass)
SELECT
  (SELECT entreprises FROM totals)
    + (SELECT coalesce(sum(rows_created), 0) FROM imports_importlog
       WHERE finished_at > (SELECT refreshed_at FROM totals) AND NOT dry_run
         AND status IN ('success', 'partial')),
  (SELECT refreshed_at FROM totals),
  CASE WHEN (SELECT n FROM estimate) <= %(exact_below)s  -- -1: never analyzed
       THEN (SELECT count(*) FROM (SELECT 1 FROM enterprise_prolocalisation
                                   LIMIT %(exact_below)s + 1) p)
       ELSE (SELECT n FROM estimate) END,
  (SELECT n FROM estimate) > %(exact_below)s,
  (SELECT count(*) FROM reviews_avis WHERE statut = 'en_attente'),
  (SELECT count(*) FROM claims_revendication WHERE statut = 'en_attente'),
  (SELECT count(*) FROM sponsorship_sponsorisation
   WHERE is_active AND date_fin > now()),
  (SELECT count(*) FROM orders_commande WHERE payee_le >= %(month_start)s)
"""


def counters() -> dict[str, Any]:
    """The six figures of the dashboard, in one round trip.

    Entreprises: the statistics' last recount (stats_totals) plus the rows created by the
    imports that ended since (a recount follows each load a few seconds later). Pro-
    localisations: exact below EXACT_COUNT_BELOW rows, else the planner's estimate (kept by
    autovacuum's ANALYZE). The others are counts over partial indexes of small sets."""
    with connection.cursor() as cursor:
        cursor.execute(
            COUNTERS_SQL,
            {"exact_below": EXACT_COUNT_BELOW, "month_start": month_start()},
        )
        row = cursor.fetchone()
    keys = ("entreprises", "stats_refreshed_at", "prolocalisations", "prolocalisations_estimee",
            "avis_en_attente", "revendications_en_attente", "sponsorisations_actives",
            "commandes_payees_mois")  # fmt: skip
    return dict(zip(keys, row, strict=True))


def month_start():
    """The first instant of this month in the site's time zone (Paris)."""
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def imports_live() -> list[dict[str, Any]]:
    """Imports and INSEE syncs pending or running, then those that ended in the last minutes,
    with their progress: rows done (the committed chunks of a running one) of rows expected
    (the upload's rows, or INSEE's totals). Two queries."""
    recent = timezone.now() - RECENTLY_ENDED
    logs = (
        ImportLog.objects.filter(
            Q(status__in=[ImportLog.Status.PENDING, ImportLog.Status.RUNNING])
            | Q(finished_at__gte=recent)
        )
        .prefetch_related(Prefetch("checkpoints", queryset=ImportCheckpoint.objects.order_by()))
        .order_by("-created_at")[:20]
    )
    return [_progress(log) for log in logs]


def _progress(log: ImportLog) -> dict[str, Any]:
    checkpoints = list(log.checkpoints.all())
    live = log.status in (ImportLog.Status.PENDING, ImportLog.Status.RUNNING)
    if log.status == ImportLog.Status.RUNNING:
        done = sum(c.records_done for c in checkpoints)
    else:
        done = log.rows_read
    total = log.rows_total
    if total is None and checkpoints and all(c.total is not None for c in checkpoints):
        total = sum(c.total for c in checkpoints)  # an INSEE sync: what INSEE announced
    if not live and log.status != ImportLog.Status.FAILED:
        total = total or done
    percent = min(100, round(100 * done / total)) if total else (None if live else 100)
    return {
        "id": log.pk,
        "type": log.type,
        "type_label": log.get_type_display(),
        "status": log.status,
        "status_label": log.get_status_display(),
        "live": live,
        "rows_done": done,
        "rows_total": total,
        "percent": percent,
        "source": log.source[-80:],
        "url": reverse("admin:imports_importlog_change", args=[log.pk]),
    }


def rows_imported_per_day(*, days: int = 30) -> list[dict[str, Any]]:
    """Rows read by the imports that ended on each of the last `days` days (Paris time), every
    day listed, 0 included. One query over the ImportLogs of the period."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (finished_at AT TIME ZONE %(tz)s)::date AS day, sum(rows_read)
            FROM imports_importlog
            WHERE finished_at >= %(since)s AND NOT dry_run
            GROUP BY day
            """,
            {"tz": timezone.get_current_timezone_name(), "since": _day_start(first)},
        )
        by_day = dict(cursor.fetchall())
    return [
        {"day": day.isoformat(), "rows": int(by_day.get(day, 0))}
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def _day_start(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def api_traffic() -> list[dict[str, Any]]:
    """Requests and p95 latency per minute over the last hour ([] with Redis out of reach)."""
    try:
        return api_minutes(minutes=60)
    except RedisError as exc:
        logger.warning("API request metrics not read", error=str(exc)[:200])
        return []


def queues() -> list[dict[str, Any]]:
    """Messages waiting in each Celery queue; `waiting` is None for a broker out of reach. On
    Redis, the LLEN of each queue's lists (one per priority step, kombu's layout) in one
    pipeline; on another broker, a passive declare through kombu (it answers the count)."""
    names = [q.name for q in current_app.conf.task_queues or []]
    url = current_app.conf.broker_url or ""
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            waiting = _redis_queue_lengths(url, names)
        else:
            waiting = _declared_queue_lengths(names)
    except Exception as exc:  # the broker out of reach
        logger.warning("Celery queue lengths not read", error=str(exc)[:200])
        return [{"name": name, "waiting": None} for name in names]
    return [{"name": name, "waiting": waiting[name]} for name in names]


@functools.cache
def _broker_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _redis_queue_lengths(url: str, names: list[str]) -> dict[str, int]:
    options = current_app.conf.broker_transport_options or {}
    prefix = options.get("global_keyprefix", "")
    steps = options.get("priority_steps", RedisChannel.priority_steps)
    pipe = _broker_client(url).pipeline(transaction=False)
    for name in names:
        for step in steps:
            pipe.llen(prefix + (f"{name}{RedisChannel.sep}{step}" if step else name))
    lengths = iter(pipe.execute())
    return {name: sum(next(lengths) for _ in steps) for name in names}


def _declared_queue_lengths(names: list[str]) -> dict[str, int]:
    waiting = {}
    with current_app.pool.acquire(block=True, timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
        channel = conn.default_channel
        for name in names:
            try:
                waiting[name] = channel.queue_declare(queue=name, passive=True).message_count
            except conn.channel_errors:  # a queue never declared; AMQP closed the channel
                waiting[name] = 0
                channel = conn.channel()
    return waiting


def workers() -> dict[str, Any]:
    """The workers that answered a ping (PING_TIMEOUT), as of at most WORKERS_TTL seconds ago:
    `{"names": [...], "checked_at": iso, "reachable": bool}`."""
    known = cache.get(WORKERS_KEY)
    if known is not None:
        return known
    try:
        answers = current_app.control.inspect(timeout=PING_TIMEOUT).ping() or {}
        result = {"names": sorted(answers), "reachable": True}
    except Exception as exc:  # the broker out of reach
        logger.warning("Celery workers not pinged", error=str(exc)[:200])
        result = {"names": [], "reachable": False}
    result["checked_at"] = timezone.now().isoformat(timespec="seconds")
    cache.set(WORKERS_KEY, result, timeout=WORKERS_TTL)
    return result


def recent_events(*, limit: int = FEED_SIZE) -> list[dict[str, Any]]:
    """The last `limit` events the staff received (their replay stream, newest first), without
    the import progress ticks, described for the feed; [] with Redis out of reach."""
    try:
        raw = streams.sync_client().xrevrange(
            streams.stream_key(streams.stream_name("admins")), count=limit * 4
        )
    except RedisError as exc:
        logger.warning("dashboard feed not read", error=str(exc)[:200])
        return []
    events = []
    for event_id, fields in raw:
        body = json.loads(fields[b"e"])
        if body.get("type") == "import.progress":
            continue
        events.append(describe(envelope(event_id=event_id.decode(), body=body)))
        if len(events) == limit:
            break
    return events


def dashboard_state(*, with_workers: bool) -> dict[str, Any]:
    """Everything the dashboard shows; the workers' ping (up to PING_TIMEOUT) only when asked:
    the page renders without waiting for it, its first data request fills it in."""
    return {
        "counters": counters(),
        "imports": imports_live(),
        "rows_per_day": rows_imported_per_day(),
        "api": api_traffic(),
        "queues": queues(),
        "workers": workers() if with_workers else None,
        "events": recent_events(),
        "generated_at": timezone.now().isoformat(timespec="milliseconds"),
    }
