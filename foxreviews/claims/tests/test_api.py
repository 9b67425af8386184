"""The claims' API: a claim sent with its document, refused when the document is not what it
says or too large; decided by staff only; documents to staff only; nobody sees another
account's claims; what a pro owns, in a bounded number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foxreviews.claims.models import Revendication
from foxreviews.claims.services import revendication_approve, revendication_create
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.location.tests.factories import VilleFactory
from foxreviews.reviews.models import Avis
from foxreviews.reviews.tests.factories import AvisFactory

from .helpers import PDF, SIREN, api, pdf

pytestmark = pytest.mark.django_db
CLAIMS = "/api/pro/revendications/"


def test_a_claim_with_a_pdf_is_queued_and_listed_to_its_author_only(
    etablissements, claimant, rival
):
    ours, _ = etablissements
    response = api(claimant).post(
        CLAIMS, {"siret": ours[0].siret, "document": pdf()}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert (claim["statut"], claim["siren"], claim["document_type"]) == (
        "en_attente", SIREN, "application/pdf",
    )  # fmt: skip
    assert "document_fichier" not in claim  # where it is kept is nobody's business

    mine = api(claimant).get(CLAIMS).json()["results"]
    assert [c["id"] for c in mine] == [claim["id"]]
    assert api(claimant).get(f"{CLAIMS}{claim['id']}/").json()["statut"] == "en_attente"
    assert api(rival).get(CLAIMS).json()["results"] == []
    hidden = api(rival).get(f"{CLAIMS}{claim['id']}/")
    assert hidden.status_code == 404
    assert api().get(CLAIMS).status_code == 403  # signed in only
    assert api().post(CLAIMS, {"siret": ours[0].siret}, format="multipart").status_code == 403


def test_an_exe_renamed_pdf_is_refused_naming_what_it_is(etablissements, claimant, documents_dir):
    ours, _ = etablissements
    exe = SimpleUploadedFile(
        "kbis.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, content_type="application/pdf"
    )
    response = api(claimant).post(
        CLAIMS, {"siret": ours[0].siret, "document": exe}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "Le justificatif est un fichier EXE (application/x-msdownload), pas un PDF, "
        "un PNG ni un JPEG.",
        "extra": {
            "detected": "application/x-msdownload",
            "accepted": ["application/pdf", "image/jpeg", "image/png"],
        },
    }
    assert Revendication.objects.count() == 0
    assert not documents_dir.exists()


LIMIT = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (LIMIT, None),  # accepted: 5 MiB exactly
        (LIMIT + 1, "Le justificatif dépasse la"),  # the upload handler stops it as it streams
        (6 * 1024 * 1024, "Le justificatif fait 6.3 Mo ; la"),  # its Content-Length: unread
    ],
)
def test_a_document_over_5_mb_is_refused_before_it_is_read(
    etablissements, claimant, documents_dir, size, said
):
    ours, _ = etablissements
    document = pdf(content=PDF + b"0" * (size - len(PDF)))
    response = api(claimant).post(
        CLAIMS, {"siret": ours[0].siret, "document": document}, format="multipart"
    )
    if said is None:
        assert (response.status_code, response.json()["document_taille"]) == (201, LIMIT)
        return
    assert response.status_code == 413
    assert response.json() == {
        "message": f"{said} limite est de 5 Mo. Envoyez un PDF ou une image moins lourds.",
        "extra": {"max_bytes": LIMIT},
    }
    assert Revendication.objects.count() == 0
    assert not documents_dir.exists()


def test_staff_decide_through_the_api_and_nobody_else(
    etablissements, claimant, rival, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ours, _ = etablissements
    first = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    second = revendication_create(demandeur=rival, siret=ours[1].siret, document=pdf())
    decide = "/api/moderation/revendications/{}/decision/"

    for who in (claimant, rival, None):
        refused = api(who).post(decide.format(first.pk), {"decision": "approuver"}, format="json")
        assert refused.status_code == 403
    queue = api(staff).get("/api/moderation/revendications/", {"statut": "en_attente"}).json()
    assert [c["id"] for c in queue["results"]] == [first.pk, second.pk]
    assert queue["results"][0]["demandeur"]["username"] == "emile"

    with django_capture_on_commit_callbacks(execute=True):
        approved = api(staff).post(decide.format(first.pk), {"decision": "approuver"})
    assert approved.status_code == 200, approved.json()
    decided = approved.json()
    assert (decided["statut"], decided["decide_par"]) == ("approuvee", "moderatrice")
    assert set(Entreprise.objects.filter(siren=SIREN).values_list("owner", flat=True)) == {
        claimant.pk
    }
    taken = api(staff).post(decide.format(second.pk), {"decision": "approuver"})
    assert taken.status_code == 409
    assert taken.json()["message"].startswith(f"L'entreprise {SIREN} appartient déjà")

    no_reason = api(staff).post(decide.format(second.pk), {"decision": "refuser"})
    assert no_reason.status_code == 400
    assert no_reason.json()["message"] == (
        "Paramètres invalides. motif : Un refus doit être motivé : le motif est envoyé au "
        "demandeur."
    )
    with django_capture_on_commit_callbacks(execute=True):
        refused = api(staff).post(
            decide.format(second.pk), {"decision": "refuser", "motif": "Déjà revendiquée."}
        )
    assert (refused.status_code, refused.json()["motif_refus"]) == (200, "Déjà revendiquée.")
    assert [m.to for m in mailoutbox] == [["emile@boulangerie-emile.fr"], ["rival@exemple.fr"]]
    assert "Déjà revendiquée." in mailoutbox[1].body
    assert api(staff).post(decide.format(999999), {"decision": "approuver"}).status_code == 404


def test_the_document_is_downloaded_by_staff_only(etablissements, claimant, rival, staff, client):
    ours, _ = etablissements
    claim = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    url = f"/api/moderation/revendications/{claim.pk}/document/"

    response = api(staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="revendication-{claim.pk}-{SIREN}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    for who in (claimant, rival, None):  # its own author included: staff only
        assert api(who).get(url).status_code == 403

    admin_url = f"/admin/claims/revendication/{claim.pk}/document/"
    client.force_login(claimant)
    assert client.get(admin_url).status_code == 302  # to the admin's sign-in
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(admin_url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content) == PDF
    assert client.get(f"/admin/claims/revendication/{claim.pk}/change/").status_code == 200


def test_a_pro_sees_what_it_owns_with_ratings_and_pending_avis_in_two_queries(
    etablissements, claimant, rival, staff, django_assert_num_queries
):
    ours, other = etablissements
    claim = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    revendication_approve(revendication_id=claim.pk, par=staff)
    # a commune of its own (no real one has this code): the reference data may be loaded
    ville = VilleFactory(code_insee="69999", nom="Saint-Étienne-des-Essais", codes_postaux=[])
    boulangerie = ProLocalisationFactory(
        entreprise=ours[0], ville=ville, note_moyenne="4.50", nombre_avis=2
    )
    patisserie = ProLocalisationFactory(entreprise=ours[0], ville=ville, note_moyenne=None)
    AvisFactory.create_batch(2, prolocalisation=boulangerie)
    AvisFactory.create_batch(3, prolocalisation=boulangerie, statut=Avis.Statut.EN_ATTENTE)
    AvisFactory(prolocalisation=patisserie, statut=Avis.Statut.EN_ATTENTE)
    AvisFactory(prolocalisation=patisserie, statut=Avis.Statut.REFUSE)
    AvisFactory(prolocalisation=ProLocalisationFactory(entreprise=other, ville=ville),
                statut=Avis.Statut.EN_ATTENTE)  # fmt: skip

    client = api(claimant)
    with django_assert_num_queries(2):  # the page of établissements, their pro-localisations
        response = client.get("/api/pro/entreprises/")
    results = response.json()["results"]
    assert [e["siret"] for e in results] == sorted(e.siret for e in ours)
    first = next(e for e in results if e["siret"] == ours[0].siret)
    assert (first["nom"], first["nombre_avis"], first["avis_en_attente"]) == (
        "Boulangerie Émile — siège", 2, 4,
    )  # fmt: skip
    assert [
        (p["id"], p["note_moyenne"], p["nombre_avis"], p["avis_en_attente"])
        for p in first["prolocalisations"]
    ] == [(boulangerie.pk, "4.50", 2, 3), (patisserie.pk, None, 0, 1)]
    assert all(e["prolocalisations"] == [] for e in results if e is not first)
    assert api(rival).get("/api/pro/entreprises/").json()["results"] == []
    assert api().get("/api/pro/entreprises/").status_code == 403


@pytest.mark.usefixtures("own_geography")  # its communes are the factories' (69xxx)
def test_an_owner_s_earlier_avis_go_back_to_moderation_and_it_cannot_answer_them(
    etablissements, claimant, staff, django_capture_on_commit_callbacks
):
    ours, _ = etablissements
    ville = VilleFactory(code_insee="69999", nom="Saint-Étienne-des-Essais", codes_postaux=[])
    proloc = ProLocalisationFactory(entreprise=ours[1], ville=ville)
    own_published = AvisFactory(prolocalisation=proloc, auteur=claimant, alertes=["lien"])
    other_shop = ProLocalisationFactory(entreprise=ours[2], ville=ville)
    own_pending = AvisFactory(
        prolocalisation=other_shop, auteur=claimant, statut=Avis.Statut.EN_ATTENTE
    )
    someone_else = AvisFactory(prolocalisation=proloc)
    elsewhere = AvisFactory(auteur=claimant)  # another SIREN's
    claim = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())

    with django_capture_on_commit_callbacks(execute=True):
        decided = api(staff).post(
            f"/api/moderation/revendications/{claim.pk}/decision/", {"decision": "approuver"}
        )
    assert decided.status_code == 200, decided.json()
    queue = api(staff).get("/api/moderation/avis/", {"statut": "signale"}).json()["results"]
    assert [(a["id"], a["statut"], a["alertes"]) for a in queue] == [
        (own_published.pk, "publie", ["lien", "auteur_proprietaire"])
    ]  # flagged for a moderator, never decided: still published until then
    pending = api(staff).get("/api/moderation/avis/", {"statut": "en_attente"}).json()["results"]
    assert [(a["id"], a["alertes"]) for a in pending] == [(own_pending.pk, ["auteur_proprietaire"])]
    assert Avis.objects.get(pk=someone_else.pk).alertes == []
    assert Avis.objects.get(pk=elsewhere.pk).signale_le is None

    answer = {"texte": "Merci pour ce très bel avis !"}
    own = api(claimant).post(f"/api/avis/{own_published.pk}/reponse/", answer)
    assert (own.status_code, own.json()["message"]) == (
        403, "Vous ne pouvez pas répondre à votre propre avis.",
    )  # fmt: skip
    assert api(claimant).post(f"/api/avis/{someone_else.pk}/reponse/", answer).status_code == 201
