"""Staff review in the admin: approve publishes on the pro-localisation, edit then approve,
reject, regenerate; bulk; a hand-written description is never replaced."""

import pytest

from foxreviews.ai.models import DescriptionGeneree
from foxreviews.ai.services import description_generate
from foxreviews.enterprise.models import ProLocalisation

from .factories import pro

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/ai/descriptiongeneree/"


def drafts(count: int) -> list[DescriptionGeneree]:
    return [
        description_generate(prolocalisation_id=pro(nom=f"PLOMBERIE {n}").pk)
        for n in ("DUVAL", "LE GOFF", "KERMARREC")[:count]
    ]


def test_bulk_approve_publishes_on_the_prolocalisation(reference_data, client, staff_user):
    first, second = drafts(2)
    client.force_login(staff_user)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and b"PLOMBERIE DUVAL" in listing.content
    response = client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "2 description(s) approuvée(s) et publiée(s)."
    ]
    for draft in (first, second):
        draft.refresh_from_db()
        proloc = ProLocalisation.objects.get(pk=draft.prolocalisation_id)
        assert (proloc.description, proloc.description_source) == (draft.texte, "ai")
        assert (draft.statut, draft.revue_par) == ("approved", staff_user)
    # visitors see who wrote it
    detail = client.get(f"/api/entreprises/{first.prolocalisation.entreprise.siret}/").json()
    assert [(p["description"], p["description_source"]) for p in detail["prolocalisations"]] == [
        (first.texte, "ai")
    ]


def test_edit_then_approve_checks_the_edit(reference_data, client, staff_user):
    (draft,) = drafts(1)
    client.force_login(staff_user)
    url = f"{CHANGELIST}{draft.pk}/change/"
    assert b"Enregistrer et approuver" in client.get(url).content
    invented = draft.texte + " Elle intervient depuis 1995."
    refused = client.post(url, {"texte": invented, "_approve": "1"}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Cette description cite des faits absents des données : corrigez-la ou régénérez-la. "
        "Nombre absent des faits : « 1995 »."
    ]
    draft.refresh_from_db()
    assert (draft.statut, draft.verification_ok, draft.texte_modifie) == ("draft", False, True)
    assert ProLocalisation.objects.get(pk=draft.prolocalisation_id).description == ""

    edited = draft.texte.replace(" Elle intervient depuis 1995.", " Elle répare les fuites.")
    client.post(url, {"texte": edited, "_approve": "1"})
    draft.refresh_from_db()
    assert (draft.statut, draft.verification_ok, draft.constats) == ("approved", True, [])
    assert ProLocalisation.objects.get(pk=draft.prolocalisation_id).description == edited


def test_reject_and_regenerate(
    reference_data, client, staff_user, django_capture_on_commit_callbacks
):
    first, second = drafts(2)
    client.force_login(staff_user)
    client.post(CHANGELIST, {"action": "reject", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.statut == "rejected"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "regenerate", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.statut == "superseded"
    again = DescriptionGeneree.objects.get(
        prolocalisation_id=second.prolocalisation_id, statut="draft"
    )
    assert again.pk != second.pk and again.texte == second.texte  # same facts, same text


def test_a_hand_written_description_stays(reference_data, staff_user):
    from foxreviews.ai.services import description_approve
    from foxreviews.core.exceptions import ApplicationError

    (draft,) = drafts(1)
    ProLocalisation.objects.filter(pk=draft.prolocalisation_id).update(
        description="Notre équipe vous accueille.", description_source="manual"
    )
    with pytest.raises(ApplicationError, match="saisie à la main"):
        description_approve(description_id=draft.pk, user=staff_user)
    assert description_generate(prolocalisation_id=draft.prolocalisation_id) is None


def test_regenerate_from_the_drafts_page(
    reference_data, client, staff_user, django_capture_on_commit_callbacks
):
    (draft,) = drafts(1)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}{draft.pk}/change/", {"texte": draft.texte, "_regenerate": "1"}
        )
    assert response.status_code == 302
    assert dict(
        DescriptionGeneree.objects.filter(prolocalisation_id=draft.prolocalisation_id)
        .order_by("id")
        .values_list("id", "statut")
    ) == {draft.pk: "superseded", draft.pk + 1: "draft"}
