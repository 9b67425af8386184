"""Embed the entreprises whose text changed (all of them the first time), with progress;
stopped anywhere, `--after <last id printed>` resumes (a rerun without it also resumes:
the rows already embedded are unchanged and skipped)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from foxreviews.semantic.embedding import embedder
from foxreviews.semantic.schema import ENTREPRISE_INDEX, ENTREPRISE_INDEX_SQL
from foxreviews.semantic.services import (
    Progress,
    entreprise_embeddings_refresh,
    trade_embeddings_refresh,
    vector_tables_ensure,
)


class Command(BaseCommand):
    help = "Compute the vectors of the trade words and of the entreprises whose text changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--after", type=int, default=0, help="resume after this id")
        parser.add_argument("--step", type=int, default=20_000, help="ids per batch")
        parser.add_argument(
            "--without-index",
            action="store_true",
            help="a first load: drop the HNSW index, load, build it once at the end (faster)",
        )

    def handle(self, *args, after: int, step: int, without_index: bool, **options) -> None:
        if not vector_tables_ensure():
            raise CommandError("pgvector (0.7 or newer) is not available in this PostgreSQL.")
        started = time.monotonic()
        model = embedder()
        self.stdout.write(f"model {model.name} ({time.monotonic() - started:.1f} s to load)")
        self.stdout.write(f"trade words embedded: {trade_embeddings_refresh()}")
        if without_index:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {ENTREPRISE_INDEX}")

        def report(progress: Progress) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"last id {progress.last_id}/{progress.max_id}: {progress.embedded} embedded, "
                f"{progress.embedded / max(elapsed, 1e-9):.0f}/s, {elapsed:.0f} s"
            )

        embedded = entreprise_embeddings_refresh(after=after, step=step, on_progress=report)
        if without_index:
            index_started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(ENTREPRISE_INDEX_SQL)
            self.stdout.write(f"HNSW index built in {time.monotonic() - index_started:.0f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"{embedded} entreprises embedded in {time.monotonic() - started:.0f} s"
            )
        )
