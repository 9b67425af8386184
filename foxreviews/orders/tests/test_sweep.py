"""A slot held 30 minutes then freed, the hourly sweep (lapsed holds cancelled, ended
sponsorships expired, the 7-day reminder sent once), the price grid's loading and the test
provider's delivery of its webhook events."""

from datetime import timedelta

import httpx
import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone

from foxreviews.orders.jobs import deliver
from foxreviews.orders.models import Commande, CommandeTransition, EvenementTest, Tarif
from foxreviews.orders.payments import local_checkout_pay
from foxreviews.orders.selectors import offre_for
from foxreviews.orders.services import (
    CommandeConflict,
    commande_activate,
    commande_create,
    commande_pay,
    commande_place,
    commandes_sweep,
    tarifs_load,
)
from foxreviews.orders.tasks import sweep_commandes

from .factories import fill, listen, owned_proloc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def _order(proloc, *, at=None):
    return commande_create(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1, now=at
    )


def _active(proloc, *, started):
    commande = _order(proloc, at=started)
    commande_pay(commande_id=commande.pk, why="Paiement reçu", now=started)
    return commande_activate(commande_id=commande.pk, now=started)


def test_a_held_slot_frees_after_30_minutes_and_the_sweep_cancels_its_order(
    django_capture_on_commit_callbacks,
):
    fill(2)
    first, second = owned_proloc(), owned_proloc()
    now = timezone.now()
    held = _order(first, at=now - timedelta(minutes=29))
    with pytest.raises(CommandeConflict) as full:
        _order(second)
    assert full.value.extra == {
        "reason": "complet", "prochaine_place_libre": held.reservee_jusqua.isoformat(),
    }  # fmt: skip
    assert offre_for(prolocalisation_id=second.pk).prochaine_place_libre == held.reservee_jusqua

    later = now + timedelta(minutes=2)  # 31 minutes after the first order: its hold lapsed
    taken = _order(second, at=later)
    assert taken.statut == "en_attente_paiement"
    with django_capture_on_commit_callbacks(execute=True):
        assert commandes_sweep(now=later) == {"annulees": 1, "expirees": 0, "rappels": 0}
    held.refresh_from_db()
    assert held.statut == "annulee"
    audit = CommandeTransition.objects.filter(commande=held).last()
    assert (audit.de, audit.vers, audit.par, audit.motif) == (
        "en_attente_paiement", "annulee", None, "Délai de paiement de 30 minutes dépassé",
    )  # fmt: skip
    assert sweep_commandes.delay().get() == {"annulees": 0, "expirees": 0, "rappels": 0}


def test_a_pro_whose_hold_lapsed_orders_again_and_the_old_order_is_cancelled():
    proloc = owned_proloc()
    old = _order(proloc, at=timezone.now() - timedelta(minutes=31))
    new = _order(proloc)
    old.refresh_from_db()
    assert (old.statut, new.statut) == ("annulee", "en_attente_paiement")
    audit = CommandeTransition.objects.filter(commande=old).last()
    assert (audit.vers, audit.motif) == ("annulee", "Délai de paiement de 30 minutes dépassé")
    with pytest.raises(CommandeConflict) as again:  # a live order: not a second one
        _order(proloc)
    assert again.value.extra == {"reason": "deja_sponsorisee"}


def test_the_sweep_reminds_7_days_before_the_end_once_then_expires(
    mailoutbox, django_capture_on_commit_callbacks
):
    proloc = owned_proloc()
    commande = _active(proloc, started=timezone.now() - timedelta(days=25))
    events = listen(proloc.entreprise.owner_id)
    end = commande.sponsorisation.date_fin
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_commandes.delay().get() == {"annulees": 0, "expirees": 0, "rappels": 1}
        assert sweep_commandes.delay().get() == {"annulees": 0, "expirees": 0, "rappels": 0}
    assert [m.subject for m in mailoutbox] == [
        "Votre sponsorisation de « Plomberie Éloïse & Fils » se termine dans 7 jours"
    ]
    assert timezone.localtime(end).strftime("%d/%m/%Y à %H:%M") in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        counts = commandes_sweep(now=end + timedelta(minutes=1))
    assert counts == {"annulees": 0, "expirees": 1, "rappels": 0}
    commande.refresh_from_db()
    assert commande.statut == "expiree"
    assert commande.sponsorisation.is_active is False
    assert mailoutbox[-1].subject == (
        "Votre sponsorisation de « Plomberie Éloïse & Fils » est terminée"
    )
    assert offre_for(prolocalisation_id=proloc.pk).deja_sponsorisee is False
    assert [(p["event"], p["commande"]) for p in events()] == [
        ("sponsorship.expiring", commande.pk), ("sponsorship.expired", commande.pk),
    ]  # fmt: skip


def test_the_price_grid_loads_what_is_missing_and_keeps_what_staff_changed():
    assert Tarif.objects.count() == 20 * 4 * 3  # loaded with the reference data
    tarif = Tarif.objects.get(categorie__slug="batiment", bande="grande", duree_mois=12)
    assert tarif.prix_ht_centimes == 99900
    tarif.prix_ht_centimes = 12345
    tarif.save()
    Tarif.objects.filter(categorie__slug="sante").delete()
    assert tarifs_load() == {"created": 12, "updated": 0}
    tarif.refresh_from_db()
    assert tarif.prix_ht_centimes == 12345


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: the end of a request must not close the connection that
    holds the test's transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("keep_the_test_connection")
def test_the_test_provider_posts_its_signed_event_to_the_webhook(
    settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_TEST_WEBHOOK_URL = "http://testserver/api/paiements/webhook/"
    settings.ALLOWED_HOSTS = ["testserver"]
    proloc = owned_proloc()
    commande = commande_place(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1
    )
    event = local_checkout_pay(commande=commande)
    assert local_checkout_pay(commande=commande) is None  # a session is paid once
    transport = httpx.WSGITransport(app=WSGIHandler())
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(event_id=event.pk, transport=transport) == 200
    assert deliver(event_id=event.pk, transport=transport) is None  # delivered already
    assert EvenementTest.objects.get().livre_le is not None
    assert Commande.objects.get(pk=commande.pk).statut == "active"
