"""The whole walk through the API and the test provider: the offer, the order, the checkout
page, the signed webhook; the order active, its sponsorisation listed first, its e-mails
written and its events sent; and who may see which order."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from foxreviews.location.models import Ville
from foxreviews.orders.models import Commande, CommandeTransition, EvenementTest
from foxreviews.orders.services import commande_place
from foxreviews.users.tests.factories import UserFactory

from .factories import fill, listen, market, owned_proloc, signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

# batiment, grande ville (data/tarifs.csv): 1 month 111 € HT
PRIX_1_MOIS = {"ht": 11100, "tva": 2220, "ttc": 13320}


def _api(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_offer_order_pay_and_be_listed_first(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proloc = owned_proloc()
    owner = proloc.entreprise.owner
    rival = owned_proloc()
    (filler,) = fill(1)
    events = listen(owner.pk)

    offre = _api().get("/api/sponsorisations/offres/", {"prolocalisation": proloc.pk})
    assert offre.status_code == 200, offre.content
    body = offre.json()
    assert (body["categorie"], body["bande"]) == ("batiment", "grande")
    assert [o["duree_mois"] for o in body["offres"]] == [1, 3, 12]
    first = body["offres"][0]
    assert (first["prix_ht_centimes"], first["tva_centimes"], first["prix_ttc_centimes"]) == (
        11100, 2220, 13320,
    )  # fmt: skip
    assert (first["prix_ht"], first["prix_ttc"]) == ("111.00", "133.20")
    assert (body["places_total"], body["places_libres"], body["prochaine_place_libre"]) == (
        3,
        2,
        None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        ordered = _api(owner).post(
            "/api/sponsorisations/commandes/",
            {"prolocalisation": proloc.pk, "duree_mois": 1},
            format="json",
        )
    assert ordered.status_code == 201, ordered.content
    commande = ordered.json()
    assert commande["statut"] == "en_attente_paiement"
    assert (commande["montant_ht"], commande["tva"], commande["montant_ttc"]) == (
        "111.00", "22.20", "133.20",
    )  # fmt: skip
    url = commande["url_paiement"]
    assert re.fullmatch(r"http://[^/]+/paiement-test/cs_test_[\w-]+/", url), url
    path = url.split("/", 3)[3]
    assert [m.subject for m in mailoutbox] == [
        f"Votre commande de sponsorisation n° {commande['id']} est enregistrée"
    ]
    assert f"Payer : {url}" in mailoutbox[0].body
    assert "Montant TTC : 133,20 €" in mailoutbox[0].body
    offre = _api().get("/api/sponsorisations/offres/", {"prolocalisation": rival.pk}).json()
    assert offre["places_libres"] == 1  # the order holds its slot while it is paid

    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert "Payer 133,20 €" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        paid = client.post(f"/{path}", {"action": "payer"})
    assert paid.status_code == 302
    assert len(delivery) == 1  # the webhook's delivery, queued once the page's write commits
    sent = EvenementTest.objects.get(type="checkout.session.completed")
    assert "Paiement accepté" in client.get(paid.url).content.decode()
    again = client.post(f"/{path}", {"action": "annuler"})  # paid: cancelling is too late
    assert again.status_code == 409
    assert "Ce paiement n'est plus possible" in again.content.decode()
    assert EvenementTest.objects.count() == 1
    assert Commande.objects.get(pk=commande["id"]).statut == "en_attente_paiement"

    # what the test provider's task posts, as Stripe would
    with django_capture_on_commit_callbacks(execute=True):
        hook = client.post(
            "/api/paiements/webhook/", sent.payload, content_type="application/json",
            headers={"Stripe-Signature": sent.signature},
        )  # fmt: skip
    assert hook.status_code == 200, hook.content
    assert hook.json() == {"resultat": "payée, active"}

    detail = _api(owner).get(f"/api/sponsorisations/commandes/{commande['id']}/").json()
    assert detail["statut"] == "active"
    assert detail["url_paiement"] is None
    order = Commande.objects.select_related("sponsorisation").get(pk=commande["id"])
    sponsorisation = order.sponsorisation
    assert sponsorisation.is_active is True
    assert sponsorisation.prolocalisation_id == proloc.pk
    assert str(sponsorisation.montant) == "111.00"
    assert sponsorisation.date_fin - sponsorisation.date_debut in (
        timedelta(days=28), timedelta(days=29), timedelta(days=30), timedelta(days=31),
    )  # fmt: skip
    assert [
        (t.de, t.vers, t.par_id) for t in CommandeTransition.objects.filter(commande=order)
    ] == [
        ("", "en_attente_paiement", owner.pk),
        ("en_attente_paiement", "payee", None),
        ("payee", "active", None),
    ]
    recu = mailoutbox[1]
    assert recu.subject == f"Reçu de paiement : commande de sponsorisation n° {order.pk}"
    assert "Montant HT : 111,00 €" in recu.body
    assert "TVA (20 %) : 22,20 €" in recu.body
    assert "Total TTC payé : 133,20 €" in recu.body
    assert "<strong>133,20 €</strong>" in recu.alternatives[0].content
    assert [(p["event"], p["commande"], p["statut"]) for p in events()] == [
        ("order.paid", order.pk, "payee")
    ]

    ville, sous_categorie = market()
    listing = client.get(
        "/api/prolocalisations/", {"ville": ville.code_insee, "sous_categorie": sous_categorie.slug}
    ).json()["results"]
    # the two sponsored now first (same rating: by id), then the others
    assert [(p["id"], p["sponsored"]) for p in listing] == [
        (filler.prolocalisation_id, True), (proloc.pk, True), (rival.pk, False),
    ]  # fmt: skip


def test_orders_are_private_to_their_account(django_capture_on_commit_callbacks):
    proloc = owned_proloc()
    owner, other = proloc.entreprise.owner, UserFactory()
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = _api(owner).post(
            "/api/sponsorisations/commandes/", {"prolocalisation": proloc.pk, "duree_mois": 3},
            format="json",
        )  # fmt: skip
    commande_id = created.json()["id"]
    url = f"/api/sponsorisations/commandes/{commande_id}/"

    assert _api(other).get(url).status_code == 404
    assert _api(other).get("/api/sponsorisations/commandes/").json()["results"] == []
    assert _api().get(url).status_code == 403  # anonymous
    assert _api().get("/api/sponsorisations/commandes/").status_code == 403
    assert _api(owner).get(url).json()["id"] == commande_id
    mine = _api(owner).get("/api/sponsorisations/commandes/").json()["results"]
    assert [c["id"] for c in mine] == [commande_id]
    assert _api(staff).get(url).status_code == 200
    # only the owner of the entreprise orders its sponsorisation
    refused = _api(other).post(
        "/api/sponsorisations/commandes/", {"prolocalisation": proloc.pk, "duree_mois": 1},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("Seul le propriétaire")
    assert _api().post("/api/sponsorisations/commandes/", {}, format="json").status_code == 403
    assert Commande.objects.count() == 1


def test_a_full_market_says_when_its_next_slot_frees():
    sponsorisations = fill(3, days_left=10)
    proloc = owned_proloc()
    offre = _api().get("/api/sponsorisations/offres/", {"prolocalisation": proloc.pk}).json()
    assert offre["places_libres"] == 0
    first_end = min(s.date_fin for s in sponsorisations)
    assert offre["prochaine_place_libre"] == timezone.localtime(first_end).isoformat()
    refused = _api(proloc.entreprise.owner).post(
        "/api/sponsorisations/commandes/", {"prolocalisation": proloc.pk, "duree_mois": 12},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["extra"]["reason"] == "complet"
    assert Commande.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"prolocalisation": "abc"}, 400), ({"prolocalisation": 999999999}, 404)],
)
def test_offer_refuses_bad_input(params, status):
    assert _api().get("/api/sponsorisations/offres/", params).status_code == status


def test_the_list_reads_a_bounded_number_of_queries(django_assert_num_queries):
    owner = UserFactory(role="pro")
    api = _api(owner)
    villes = iter(Ville.objects.order_by("-population")[:4])  # four markets
    for count in (1, 4):
        while Commande.objects.filter(client=owner).count() < count:
            proloc = owned_proloc(owner, place=(next(villes), market()[1]))
            commande_place(user=owner, prolocalisation_id=proloc.pk, duree_mois=1)
        with django_assert_num_queries(1):  # the page (force_authenticate: no token lookup)
            response = api.get("/api/sponsorisations/commandes/")
        assert len(response.json()["results"]) == count


def test_the_admin_shows_orders_with_their_audit_and_edits_the_price_grid(client):
    proloc = owned_proloc()
    commande = commande_place(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/orders/commande/",
        f"/admin/orders/commande/{commande.pk}/change/",
        "/admin/orders/tarif/",
        "/admin/orders/evenementpaiement/",
    ):
        assert client.get(url).status_code == 200, url
    assert (
        "Commande passée"
        in client.get(f"/admin/orders/commande/{commande.pk}/change/").content.decode()
    )


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"prolocalisation": None}, 400, "prolocalisation"),
        ({"prolocalisation": "x", "duree_mois": 1}, 400, "prolocalisation"),
        ({"duree_mois": 2}, 400, "duree_mois"),
        ({"prolocalisation": 2**62, "duree_mois": 1}, 404, "Aucune pro-localisation active"),
    ],
)
def test_an_order_refuses_bad_input(body, status, says):
    proloc = owned_proloc()
    body = {"prolocalisation": proloc.pk, **body}
    response = _api(proloc.entreprise.owner).post(
        "/api/sponsorisations/commandes/", body, format="json"
    )
    assert response.status_code == status
    assert says in response.json()["message"]
    assert Commande.objects.count() == 0


def test_a_second_order_for_a_sponsored_proloc_is_a_conflict():
    proloc = owned_proloc()
    owner = proloc.entreprise.owner
    url = "/api/sponsorisations/commandes/"
    first = _api(owner).post(url, {"prolocalisation": proloc.pk, "duree_mois": 1}, format="json")
    second = _api(owner).post(url, {"prolocalisation": proloc.pk, "duree_mois": 3}, format="json")
    assert (first.status_code, second.status_code) == (201, 409)
    assert second.json()["extra"] == {"reason": "deja_sponsorisee"}
    assert Commande.objects.count() == 1


def test_with_stripe_keys_the_webhook_verifies_with_stripe_secret_and_no_test_page(
    client, settings, django_capture_on_commit_callbacks
):
    proloc = owned_proloc()
    commande = commande_place(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1
    )
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_stripe"
    assert client.get(f"/paiement-test/{commande.session_paiement}/").status_code == 404
    obj = {
        "id": commande.session_paiement, "object": "checkout.session", "payment_status": "paid",
    }  # fmt: skip
    test_signed = signed_event("checkout.session.completed", obj, event_id="evt_1")
    stripe_signed = signed_event(
        "checkout.session.completed", obj, event_id="evt_1", secret="whsec_stripe"
    )
    for (payload, signature), status in ((test_signed, 400), (stripe_signed, 200)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/paiements/webhook/", payload, content_type="application/json",
                headers={"Stripe-Signature": signature},
            )  # fmt: skip
        assert response.status_code == status
    assert Commande.objects.get(pk=commande.pk).statut == "active"
