"""The vectors: one per entreprise and per trade word, written again only when the text
changed; the offline model reads needs as trades."""

import numpy as np
import pytest
from django.db import connection

from foxreviews.enterprise.models import ProLocalisation
from foxreviews.semantic.embedding import offline_embedder
from foxreviews.semantic.models import EntrepriseEmbedding, MotMetierEmbedding
from foxreviews.semantic.selectors import trades_near
from foxreviews.semantic.services import (
    Progress,
    entreprise_embeddings_refresh,
    trade_embeddings_refresh,
)

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
