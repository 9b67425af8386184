"""Issue 24's walk, through the HTTP API only, as the README shows it: a visitor signs up,
verifies the address from the e-mail, posts an avis; staff approve it and the rating changes; a
refused avis's author is e-mailed the reason; a pro signs up, claims the entreprise, is
approved, answers the avis, orders a sponsorship, pays it on the test provider's page (its
signed webhook posted as the provider posts it) and is listed first."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from foxreviews.category.models import NafCode
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.orders.models import EvenementTest
from foxreviews.users.models import User
from foxreviews.users.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_documents(settings, tmp_path):
    settings.CLAIM_DOCUMENTS_DIR = str(tmp_path / "revendications")


def _rating(proloc_id: int) -> tuple:
    return ProLocalisation.objects.values_list("note_moyenne", "nombre_avis").get(pk=proloc_id)


def _sign_up_and_verify(email: str, nom: str, mailoutbox, capture) -> APIClient:
    """Sign up, follow the e-mail's link (the page's form posts the key), sign in: a client
    holding the account's token."""
    visitor = APIClient()
    password = "Chouette-Renard-1987"
    mailoutbox.clear()
    with capture(execute=True):
        signed_up = visitor.post(
            "/api/auth/signup/", {"email": email, "password": password, "nom_affiche": nom},
            format="json",
        )  # fmt: skip
    assert signed_up.status_code == 201, signed_up.content
    [mail] = mailoutbox
    assert mail.to == [email]
    assert mail.subject == "Confirmez votre adresse e-mail sur FoxReviews"
    link = re.search(r"^http://\S+/compte/verifier-email/\?key=(\S+)$", mail.body, re.MULTILINE)
    key = re.search(r"^(\S{20,})$", mail.body.split("champ « key »", 1)[1], re.MULTILINE)[1]
    assert link is not None and key.replace(":", "%3A") == link[1]
    token = visitor.post("/api/auth/token/", {"username": email, "password": password})
    assert token.status_code == 200, token.content
    visitor.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert visitor.post("/api/auth/verify-email/", {"key": key}).status_code == 200
    return visitor


def _avis(note: int, texte: str) -> dict:
    experience = (timezone.localdate() - timedelta(days=10)).isoformat()
    return {"note": note, "titre": "Intervention", "texte": texte, "date_experience": experience}


def test_from_sign_up_to_a_sponsored_listing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    lyon = Ville.objects.get(code_insee="69123")
    plombiers = NafCode.objects.get(code="43.22A").sous_categorie
    market = {"ville": "69123", "sous_categorie": plombiers.slug}
    ours = ProLocalisationFactory(
        entreprise__ville=lyon, entreprise__nom="Plomberie Éloïse & Fils", entreprise__owner=None,
        sous_categorie=plombiers,
    )  # fmt: skip
    best_rated = ProLocalisationFactory(
        entreprise__ville=lyon, sous_categorie=plombiers, note_moyenne=Decimal("4.90"),
        nombre_avis=40,
    )  # fmt: skip
    UserFactory(username="moderatrice", is_staff=True, role=User.Role.ADMIN)
    staff = APIClient()
    staff_token = staff.post("/api/auth/token/", {"username": "moderatrice", "password": PASSWORD})
    staff.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.json()['token']}")
    avis_url = f"/api/prolocalisations/{ours.pk}/avis/"
    listing = client.get("/api/prolocalisations/", market).json()["results"]
    assert [(p["id"], p["sponsored"]) for p in listing] == [
        (best_rated.pk, False), (ours.pk, False),
    ]  # fmt: skip

    # a visitor signs up, verifies the address, posts an avis: waiting for moderation
    lea = _sign_up_and_verify("lea@exemple.fr", "Léa M.", mailoutbox, capture)
    texte = "Fuite réparée le jour même, travail propre et prix annoncé respecté."
    posted = lea.post(avis_url, _avis(4, texte), format="json")
    assert posted.status_code == 201, posted.content
    avis = posted.json()
    assert (avis["statut"], avis["note"], avis["nom_affiche"]) == ("en_attente", 4, "Léa M.")
    assert APIClient().get(avis_url).json()["results"] == []
    assert _rating(ours.pk) == (None, 0)

    # staff approve it: published, the rating counts it
    queue = staff.get("/api/moderation/avis/", {"statut": "en_attente"}).json()["results"]
    assert [a["id"] for a in queue] == [avis["id"]]
    approved = staff.post(
        f"/api/moderation/avis/{avis['id']}/decision/", {"decision": "approuver"}, format="json"
    )
    assert (approved.status_code, approved.json()["statut"]) == (200, "publie")
    assert _rating(ours.pk) == (Decimal("4.00"), 1)
    [public] = APIClient().get(avis_url).json()["results"]
    assert (public["id"], public["texte"], public["reponse"]) == (avis["id"], texte, None)

    # another visitor's avis is refused: the rating is unchanged, the reason e-mailed
    tom = _sign_up_and_verify("tom@exemple.fr", "Tom", mailoutbox, capture)
    other = tom.post(
        avis_url, _avis(1, "Allez voir plutôt www.concurrent.example !"), format="json"
    )
    assert other.status_code == 201, other.content
    mailoutbox.clear()
    with capture(execute=True):
        refused = staff.post(
            f"/api/moderation/avis/{other.json()['id']}/decision/",
            {"decision": "refuser", "motif": "publicite", "texte": "Lien vers un concurrent."},
            format="json",
        )
    assert (refused.status_code, refused.json()["statut"]) == (200, "refuse")
    assert _rating(ours.pk) == (Decimal("4.00"), 1)
    [refusal] = mailoutbox
    assert refusal.to == ["tom@exemple.fr"]
    assert refusal.subject == "Votre avis sur Plomberie Éloïse & Fils n'a pas été publié"
    assert "Lien vers un concurrent." in refusal.body
    [mine] = tom.get("/api/me/avis/").json()["results"]
    assert (mine["statut"], mine["motif_moderation"]) == ("refuse", "Lien vers un concurrent.")
    assert [a["id"] for a in APIClient().get(avis_url).json()["results"]] == [avis["id"]]

    # a pro signs up and claims the entreprise; staff approve: the pro owns it
    pro = _sign_up_and_verify("eloise@plomberie-eloise.fr", "Éloïse", mailoutbox, capture)
    siret = ours.entreprise.siret
    with capture(execute=True):
        claimed = pro.post(
            "/api/pro/revendications/",
            {"siret": siret, "document": SimpleUploadedFile("kbis.pdf", PDF)},
            format="multipart",
        )
    assert claimed.status_code == 201, claimed.content
    claim = claimed.json()
    assert (claim["statut"], claim["siren"]) == ("en_attente", siret[:9])
    assert (
        lea.post(f"/api/avis/{avis['id']}/reponse/", {"texte": "Merci beaucoup !"}).status_code
        == 403
    )
    mailoutbox.clear()
    with capture(execute=True):
        decided = staff.post(
            f"/api/moderation/revendications/{claim['id']}/decision/",
            {"decision": "approuver"}, format="json",
        )  # fmt: skip
    assert (decided.status_code, decided.json()["statut"]) == (200, "approuvee")
    assert [m.to for m in mailoutbox] == [["eloise@plomberie-eloise.fr"]]
    owner = User.objects.get(email="eloise@plomberie-eloise.fr")
    assert (owner.role, Entreprise.objects.get(siret=siret).owner_id) == ("pro", owner.pk)
    [owned] = pro.get("/api/pro/entreprises/").json()["results"]
    assert (owned["siret"], owned["nombre_avis"], owned["avis_en_attente"]) == (siret, 1, 0)
    assert [(p["id"], p["note_moyenne"]) for p in owned["prolocalisations"]] == [(ours.pk, "4.00")]
    assert lea.get("/api/pro/entreprises/").json()["results"] == []
    own_avis = pro.post(avis_url, _avis(5, "Le meilleur plombier de Lyon, sans hésiter !"),
                        format="json")  # fmt: skip
    assert (own_avis.status_code, own_avis.json()["extra"]) == (403, {"reason": "owner"})

    # the pro answers the avis: its author is e-mailed, the answer is public
    mailoutbox.clear()
    with capture(execute=True):
        answered = pro.post(
            f"/api/avis/{avis['id']}/reponse/",
            {"texte": "Merci Léa, au plaisir de vous dépanner à nouveau."},
            format="json",
        )
    assert answered.status_code == 201, answered.content
    assert [m.to for m in mailoutbox] == [["lea@exemple.fr"]]
    [public] = APIClient().get(avis_url).json()["results"]
    assert public["reponse"]["texte"] == "Merci Léa, au plaisir de vous dépanner à nouveau."

    # the pro orders a month of sponsorship, pays it on the test provider's page
    assert lea.post(
        "/api/sponsorisations/commandes/", {"prolocalisation": ours.pk, "duree_mois": 1},
        format="json",
    ).status_code == 403  # fmt: skip
    with capture(execute=True):
        ordered = pro.post(
            "/api/sponsorisations/commandes/", {"prolocalisation": ours.pk, "duree_mois": 1},
            format="json",
        )  # fmt: skip
    assert ordered.status_code == 201, ordered.content
    commande = ordered.json()
    assert (commande["statut"], commande["montant_ttc"]) == ("en_attente_paiement", "133.20")
    checkout = "/" + commande["url_paiement"].split("/", 3)[3]
    assert re.fullmatch(r"/paiement-test/cs_test_[\w-]+/", checkout), checkout
    assert "Payer 133,20 €" in client.get(checkout).content.decode()
    with capture(execute=False) as delivery:
        paid = client.post(checkout, {"action": "payer"})
    assert (paid.status_code, len(delivery)) == (302, 1)
    # what the provider's delivery task posts, signed as Stripe signs
    sent = EvenementTest.objects.get(type="checkout.session.completed")
    with capture(execute=True):
        hook = client.post(
            "/api/paiements/webhook/", sent.payload, content_type="application/json",
            headers={"Stripe-Signature": sent.signature},
        )  # fmt: skip
    assert (hook.status_code, hook.json()) == (200, {"resultat": "payée, active"})
    detail = pro.get(f"/api/sponsorisations/commandes/{commande['id']}/").json()
    assert detail["statut"] == "active"
    assert [m.subject for m in mailoutbox][-1] == (
        f"Reçu de paiement : commande de sponsorisation n° {commande['id']}"
    )
    assert "Total TTC payé : 133,20 €" in mailoutbox[-1].body
    assert lea.get(f"/api/sponsorisations/commandes/{commande['id']}/").status_code == 404

    # and the pro-localisation is listed first, ahead of the better rated one
    listing = client.get("/api/prolocalisations/", market).json()["results"]
    assert [(p["id"], p["sponsored"]) for p in listing] == [
        (ours.pk, True), (best_rated.pk, False),
    ]  # fmt: skip
