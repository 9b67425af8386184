"""Two pros racing for a market's last slot: one order, the other a 409, enforced by the
database (the market row's lock), with truly concurrent transactions on their own
connections (transactional tests: the data is committed)."""

import threading

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from foxreviews.core.exceptions import ApplicationError
from foxreviews.location.models import Ville
from foxreviews.orders.models import Commande, Marche
from foxreviews.orders.services import commande_create
from foxreviews.sponsorship.models import Sponsorisation

from .factories import fill, market, owned_proloc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def _in_thread(target, results: dict, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_last_slot_goes_to_one_order_only():
    """One transactional test (each one empties the database when it ends, and the next that
    needs the reference data loads it again): two markets, two races."""
    four_pros_race_for_the_last_slot_one_wins(place=market())
    an_order_waits_for_the_market_lock_then_counts_what_its_holder_took(
        place=(Ville.objects.get(code_insee="13055"), market()[1])  # Marseille
    )


def four_pros_race_for_the_last_slot_one_wins(*, place):
    fill(2, place=place)
    prolocs = [owned_proloc(place=place) for _ in range(4)]
    start = threading.Barrier(len(prolocs))
    results: dict = {}

    def order(proloc):
        api = APIClient()
        api.force_authenticate(proloc.entreprise.owner)
        start.wait(timeout=10)
        response = api.post(
            "/api/sponsorisations/commandes/",
            {"prolocalisation": proloc.pk, "duree_mois": 1},
            format="json",
        )
        return response.status_code, response.json()

    threads = [_in_thread(lambda p=p: order(p), results, p.pk) for p in prolocs]
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [201, 409, 409, 409], results
    assert {body["extra"]["reason"] for status, body in results.values() if status == 409} == {
        "complet"
    }
    winner = next(pk for pk, (status, _) in results.items() if status == 201)
    assert list(Commande.objects.values_list("prolocalisation_id", flat=True)) == [winner]


def an_order_waits_for_the_market_lock_then_counts_what_its_holder_took(*, place):
    """Deterministic: a transaction holds the market's row while it takes the last slot; an
    order made meanwhile waits for it, then finds the market full (without the lock, it would
    have counted two occupants and taken a fourth slot)."""
    fill(2, place=place)
    ville, sous_categorie = place
    Marche.objects.create(ville=ville, sous_categorie=sous_categorie)
    taker, contender = owned_proloc(place=place), owned_proloc(place=place)
    locked, go = threading.Event(), threading.Event()
    results: dict = {}

    def hold_the_market():
        with transaction.atomic():
            Marche.objects.select_for_update().get(ville=ville, sous_categorie=sous_categorie)
            locked.set()
            go.wait(timeout=10)
            last = Sponsorisation.objects.filter(prolocalisation__ville=ville).first()
            Sponsorisation.objects.create(
                prolocalisation=taker, date_debut=last.date_debut, date_fin=last.date_fin,
                montant=last.montant,
            )  # fmt: skip
        return "committed"

    holder = _in_thread(hold_the_market, results, "holder")
    assert locked.wait(timeout=10)
    challenger = _in_thread(
        lambda: commande_create(
            user=contender.entreprise.owner, prolocalisation_id=contender.pk, duree_mois=1
        ),
        results,
        "contender",
    )
    _wait_for_a_lock_wait()
    go.set()
    holder.join(timeout=30)
    challenger.join(timeout=30)
    assert results["holder"] == "committed"
    assert isinstance(results["contender"], ApplicationError)
    assert results["contender"].status_code == 409
    assert results["contender"].extra["reason"] == "complet"
    assert not Commande.objects.filter(marche__ville=ville).exists()


def _wait_for_a_lock_wait() -> None:
    """Until a backend of this database waits for a row lock (the contender, blocked)."""
    for _ in range(2000):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("the contender never waited for the market's lock")
