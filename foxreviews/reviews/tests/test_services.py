"""prolocalisation_ratings_refresh: ratings from published avis only, set-based, and a refresh
that finds nothing stale writes nothing."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from foxreviews.enterprise.models import ProLocalisation
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.reviews.models import Avis
from foxreviews.reviews.services import prolocalisation_ratings_refresh
from foxreviews.reviews.tests.factories import AvisFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]
APPROVED, PENDING, REJECTED = Avis.Statut.PUBLIE, Avis.Statut.EN_ATTENTE, Avis.Statut.REFUSE


def _avis(proloc: ProLocalisation, *notes: int, statut: str = APPROVED) -> None:
    for note in notes:
        AvisFactory(prolocalisation=proloc, note=note, statut=statut)


def _ratings(*prolocs: ProLocalisation) -> list[tuple[Decimal | None, int]]:
    return [
        ProLocalisation.objects.values_list("note_moyenne", "nombre_avis").get(pk=p.pk)
        for p in prolocs
    ]


def _row_versions() -> dict[int, str]:
    """Each row's physical version: an UPDATE gives it a new one, even in the same transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, ctid::text FROM enterprise_prolocalisation")
        return dict(cursor.fetchall())


def test_only_approved_avis_count_and_the_mean_is_rounded_to_two_decimals():
    proloc = ProLocalisationFactory()
    _avis(proloc, 5, 4, 4)
    _avis(proloc, 1, 1, statut=PENDING)
    _avis(proloc, 2, statut=REJECTED)
    assert prolocalisation_ratings_refresh() == 1
    assert _ratings(proloc) == [(Decimal("4.33"), 3)]


def test_each_prolocalisation_gets_its_own_rating():
    boulangerie, garage, silent = ProLocalisationFactory.create_batch(3)
    _avis(boulangerie, 5, 5, 4, 3)
    _avis(garage, 1, 2)
    assert prolocalisation_ratings_refresh() == 2
    assert _ratings(boulangerie, garage, silent) == [
        (Decimal("4.25"), 4),
        (Decimal("1.50"), 2),
        (None, 0),
    ]


def test_a_second_refresh_writes_nothing():
    proloc, other = ProLocalisationFactory.create_batch(2)
    _avis(proloc, 3, 4)
    _avis(other, 2, statut=PENDING)  # avis, but none approved: nothing to change
    assert prolocalisation_ratings_refresh() == 1
    before = _row_versions()
    assert prolocalisation_ratings_refresh() == 0
    assert _row_versions() == before
    assert _ratings(proloc, other) == [(Decimal("3.50"), 2), (None, 0)]


def test_a_rating_whose_approved_avis_are_gone_goes_back_to_none():
    proloc = ProLocalisationFactory()
    _avis(proloc, 5, 4)
    prolocalisation_ratings_refresh()
    Avis.objects.filter(prolocalisation=proloc).update(statut=REJECTED)
    assert prolocalisation_ratings_refresh() == 1
    assert _ratings(proloc) == [(None, 0)]
    Avis.objects.filter(prolocalisation=proloc).delete()
    assert prolocalisation_ratings_refresh() == 0  # nothing stale is left
    assert _ratings(proloc) == [(None, 0)]


def test_a_stale_rating_with_no_avis_left_is_reset():
    proloc = ProLocalisationFactory(note_moyenne=Decimal("4.80"), nombre_avis=12)
    assert prolocalisation_ratings_refresh() == 1
    assert _ratings(proloc) == [(None, 0)]


def test_with_ids_only_those_prolocalisations_are_refreshed():
    chosen, left = ProLocalisationFactory.create_batch(2)
    _avis(chosen, 2, 3, 5)
    _avis(left, 4)
    assert prolocalisation_ratings_refresh(prolocalisation_ids=iter([chosen.pk])) == 1
    assert _ratings(chosen, left) == [(Decimal("3.33"), 3), (None, 0)]
    assert prolocalisation_ratings_refresh(prolocalisation_ids=[]) == 0
    assert _ratings(left) == [(None, 0)]
    assert prolocalisation_ratings_refresh(prolocalisation_ids=[left.pk, chosen.pk]) == 1
    assert _ratings(chosen, left) == [(Decimal("3.33"), 3), (Decimal("4.00"), 1)]


def test_many_prolocalisations_in_one_statement(django_assert_num_queries):
    """Set-based: one UPDATE whatever the number of pro-localisations."""
    prolocs = ProLocalisationFactory.create_batch(40)
    expected = {}
    for index, proloc in enumerate(prolocs):
        notes = [1 + (index + k) % 5 for k in range(1 + index % 4)]
        _avis(proloc, *notes)
        mean = (Decimal(sum(notes)) / len(notes)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        expected[proloc.pk] = (mean, len(notes))
    with django_assert_num_queries(1):
        assert prolocalisation_ratings_refresh() == 40
    stored = ProLocalisation.objects.values_list("pk", "note_moyenne", "nombre_avis")
    assert {pk: (note, n) for pk, note, n in stored} == expected
