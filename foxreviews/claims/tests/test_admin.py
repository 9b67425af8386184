"""Claims in the admin: bulk approve and refuse (after a page asking the reason), through the
same services as the API; a claim that cannot be approved is reported, the others go on."""

import pytest

from foxreviews.claims.models import Revendication
from foxreviews.claims.services import revendication_create
from foxreviews.enterprise.models import Entreprise

from .helpers import SIREN, pdf

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/claims/revendication/"


@pytest.fixture
def superuser(staff):
    staff.is_superuser = True
    staff.save()
    return staff


def test_bulk_approve_then_bulk_refuse_with_a_reason(
    etablissements, claimant, rival, superuser, client, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    ours, other = etablissements
    first = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    second = revendication_create(demandeur=rival, siret=ours[1].siret, document=pdf())
    third = revendication_create(demandeur=rival, siret=other.siret, document=pdf())
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )  # fmt: skip
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        f"N°{second.pk} : L'entreprise {SIREN} appartient déjà à un autre compte : refusez "
        "cette revendication, ou retirez d'abord la propriété actuelle.",
        "1 revendication(s) approuvée(s).",
    ]
    assert set(Entreprise.objects.filter(siren=SIREN).values_list("owner", flat=True)) == {
        claimant.pk
    }

    asked = client.post(CHANGELIST, {"action": "refuse", "_selected_action": [second.pk, third.pk]})
    assert asked.status_code == 200
    assert b"Motif du refus" in asked.content
    assert Revendication.objects.filter(statut="refusee").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {"action": "refuse", "_selected_action": [second.pk, third.pk],
             "motif": "Justificatif illisible."},
        )  # fmt: skip
    assert dict(Revendication.objects.values_list("pk", "statut")) == {
        first.pk: "approuvee", second.pk: "refusee", third.pk: "refusee",
    }  # fmt: skip
    assert [m.to for m in mailoutbox] == [
        ["emile@boulangerie-emile.fr"], ["rival@exemple.fr"], ["rival@exemple.fr"],
    ]  # fmt: skip
    assert all("Justificatif illisible." in m.body for m in mailoutbox[1:])
