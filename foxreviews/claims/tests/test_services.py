"""Claims' services: a claim queued with its document, approved (the claimant owns the whole
SIREN) or refused (with its reason), each with its audit row, e-mail and event after commit."""

import asyncio
import email
import os
import stat
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from foxreviews.claims.models import Revendication, RevendicationTransition
from foxreviews.claims.services import (
    revendication_approve,
    revendication_create,
    revendication_refuse,
)
from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import Entreprise
from foxreviews.realtime.consumers import ADMINS_GROUP, user_group
from foxreviews.users.models import User

from .helpers import PDF, SIREN, pdf

pytestmark = pytest.mark.django_db


class Listener:
    """A channel in a group of the real Redis channel layer: what the websockets would get."""

    def __init__(self, group: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def payloads(self) -> list[dict]:
        async def drain():
            got = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), 0.2)
                except TimeoutError:
                    return got
                got.append(message["payload"])

        return async_to_sync(drain)()


def transitions(claim) -> list[tuple]:
    return list(
        RevendicationTransition.objects.filter(revendication=claim).values_list(
            "par__username", "de", "vers", "motif"
        )
    )


def test_a_claim_waits_for_staff_with_its_document_kept_private(
    etablissements, claimant, documents_dir, django_capture_on_commit_callbacks
):
    ours, _ = etablissements
    admins = Listener(ADMINS_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        claim = revendication_create(
            demandeur=claimant, siret=f"{ours[1].siret[:3]} {ours[1].siret[3:]}", document=pdf()
        )

    claim.refresh_from_db()
    assert (claim.statut, claim.siret, claim.siren) == ("en_attente", ours[1].siret, SIREN)
    assert (claim.document_type, claim.document_taille, claim.document_nom) == (
        "application/pdf", len(PDF), "kbis.pdf",
    )  # fmt: skip
    stored = documents_dir / claim.document_fichier
    assert claim.document_fichier.endswith(".pdf") and claim.document_fichier != "kbis.pdf"
    assert stored.read_bytes() == PDF
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert transitions(claim) == [("emile", "", "en_attente", "")]
    assert admins.payloads() == [{
        "event": "revendication.pending", "revendication": claim.pk, "siret": ours[1].siret,
        "siren": SIREN, "statut": "en_attente", "motif": "",
    }]  # fmt: skip
    assert Entreprise.objects.filter(owner__isnull=False).count() == 0


def test_approval_makes_the_claimant_the_pro_owner_of_every_etablissement_of_the_siren(
    etablissements, claimant, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ours, other = etablissements
    claim = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    own_channel = Listener(user_group(claimant.pk))

    with django_capture_on_commit_callbacks(execute=True):
        revendication_approve(revendication_id=claim.pk, par=staff)

    owners = dict(Entreprise.objects.values_list("siret", "owner__username"))
    assert owners == {**{e.siret: "emile" for e in ours}, other.siret: None}
    claimant.refresh_from_db()
    assert claimant.role == User.Role.PRO
    claim.refresh_from_db()
    assert (claim.statut, claim.decide_par, claim.motif_refus) == ("approuvee", staff, "")
    assert claim.decide_le is not None
    assert transitions(claim) == [
        ("emile", "", "en_attente", ""),
        ("moderatrice", "en_attente", "approuvee", ""),
    ]
    [mail] = mailoutbox
    assert mail.to == ["emile@boulangerie-emile.fr"]
    assert mail.subject == f"Votre revendication de l'entreprise {SIREN} est acceptée"
    text = email.message_from_bytes(mail.message().as_bytes())
    assert text["Content-Language"] == "fr"
    assert "- Boulangerie Émile — siège" in mail.body
    assert "Émile Confluence" in mail.alternatives[0].content
    assert [p["event"] for p in own_channel.payloads()] == ["revendication.decided"]
    with pytest.raises(ApplicationError, match=f"déjà propriétaire de l'entreprise {SIREN}"):
        revendication_create(demandeur=claimant, siret=ours[2].siret, document=pdf())


def test_refusal_is_sent_with_its_reason_and_changes_no_ownership(
    etablissements, claimant, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ours, _ = etablissements
    claim = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    reason = "Le Kbis fourni date de 2019 : envoyez un extrait de moins de 3 mois <svp>."

    with pytest.raises(ApplicationError, match="Un refus doit être motivé"):
        revendication_refuse(revendication_id=claim.pk, par=staff, motif="   ")
    with django_capture_on_commit_callbacks(execute=True):
        revendication_refuse(revendication_id=claim.pk, par=staff, motif=reason)

    claim.refresh_from_db()
    assert (claim.statut, claim.motif_refus) == ("refusee", reason)
    assert transitions(claim)[-1] == ("moderatrice", "en_attente", "refusee", reason)
    assert Entreprise.objects.filter(owner__isnull=False).count() == 0
    claimant.refresh_from_db()
    assert claimant.role == User.Role.VISITOR
    [mail] = mailoutbox
    assert mail.subject == f"Votre revendication de l'entreprise {SIREN} est refusée"
    assert reason in mail.body  # as typed in the text part
    assert "envoyez un extrait de moins de 3 mois &lt;svp&gt;." in mail.alternatives[0].content
    with pytest.raises(ApplicationError, match="déjà décidée") as decided:
        revendication_approve(revendication_id=claim.pk, par=staff)
    assert decided.value.status_code == 409


def test_two_claimants_are_both_queued_and_only_one_owns_the_siren(
    etablissements, claimant, rival, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ours, _ = etablissements
    first = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    second = revendication_create(demandeur=rival, siret=ours[2].siret, document=pdf())
    assert list(Revendication.objects.values_list("statut", flat=True)) == ["en_attente"] * 2

    revendication_approve(revendication_id=first.pk, par=staff)
    with pytest.raises(ApplicationError, match=f"L'entreprise {SIREN} appartient déjà") as taken:
        revendication_approve(revendication_id=second.pk, par=staff)
    assert taken.value.status_code == 409
    second.refresh_from_db()
    assert second.statut == "en_attente"
    assert set(Entreprise.objects.filter(siren=SIREN).values_list("owner", flat=True)) == {
        claimant.pk
    }

    # the database refuses it too, were the ownership of the établissements lost meanwhile
    # (a race the check above cannot see): the partial unique index on approved claims
    Entreprise.objects.filter(siren=SIREN).update(owner=None)
    with pytest.raises(ApplicationError, match="appartient déjà") as raced:
        revendication_approve(revendication_id=second.pk, par=staff)
    assert raced.value.status_code == 409
    with connection.cursor() as cursor:  # the transaction is still usable: a savepoint undid it
        cursor.execute("SELECT 1")
    second.refresh_from_db()
    assert second.statut == "en_attente"
    assert Entreprise.objects.filter(siren=SIREN, owner__isnull=False).count() == 0
    rival.refresh_from_db()
    assert rival.role == User.Role.VISITOR


def test_a_second_pending_claim_of_one_account_is_a_409_naming_the_first(
    etablissements, claimant, documents_dir
):
    ours, _ = etablissements
    first = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    with pytest.raises(ApplicationError, match=f"en attente pour l'entreprise {SIREN}") as again:
        revendication_create(demandeur=claimant, siret=ours[1].siret, document=pdf())
    assert (again.value.status_code, again.value.extra) == (409, {"revendication": first.pk})
    assert sorted(p.name for p in documents_dir.iterdir()) == [first.document_fichier]


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "SIRET invalide : clé de contrôle invalide."),
        ("7328293200007", "SIRET invalide : doit comporter 14 chiffres."),
        ("73282932000074", "Aucun établissement avec le SIRET 73282932000074 dans l'annuaire."),
    ],
)
def test_a_siret_must_be_valid_and_in_the_directory(
    etablissements, claimant, documents_dir, siret, message
):
    with pytest.raises(ApplicationError) as refused:
        revendication_create(demandeur=claimant, siret=siret, document=pdf())
    assert (refused.value.status_code, refused.value.message) == (400, message)
    assert not documents_dir.exists()
    assert Revendication.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_one_siren_one_wins_the_other_gets_a_409(
    etablissements, claimant, rival, staff
):
    """The first approval is inside a transaction not yet committed, so the second's check of
    the owners sees none: the unique index on approved claims makes it wait, then refuse."""
    ours, _ = etablissements
    first = revendication_create(demandeur=claimant, siret=ours[0].siret, document=pdf())
    second = revendication_create(demandeur=rival, siret=ours[1].siret, document=pdf())
    approved, release = threading.Event(), threading.Event()
    outcome = {}

    def approve_and_hold():
        try:
            with transaction.atomic():
                revendication_approve(revendication_id=first.pk, par=staff)
                approved.set()
                release.wait(10)
        finally:
            connection.close()

    def approve_second():
        try:
            revendication_approve(revendication_id=second.pk, par=staff)
            outcome["second"] = "approved"
        except ApplicationError as exc:
            outcome["second"] = exc.status_code
        finally:
            connection.close()

    holder = threading.Thread(target=approve_and_hold)
    holder.start()
    assert approved.wait(10)
    racer = threading.Thread(target=approve_second)
    racer.start()
    deadline = time.monotonic() + 10
    while not _someone_waits_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _someone_waits_on_a_lock()  # the second approval is held by the first's index entry
    release.set()
    holder.join(10)
    racer.join(10)

    assert outcome == {"second": 409}
    assert dict(Revendication.objects.values_list("pk", "statut")) == {
        first.pk: "approuvee", second.pk: "en_attente",
    }  # fmt: skip
    assert set(Entreprise.objects.filter(siren=SIREN).values_list("owner", flat=True)) == {
        claimant.pk
    }


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "image/png", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg", "jpg"),
    ],
)
def test_a_photo_of_the_kbis_in_png_or_jpeg_is_accepted_under_its_real_type(
    etablissements, claimant, documents_dir, content, mime, extension
):
    ours, _ = etablissements
    # the name and the type the client gave say PDF: the bytes decide
    claim = revendication_create(
        demandeur=claimant, siret=ours[0].siret, document=pdf("scan.pdf", content)
    )
    assert (claim.document_type, claim.document_fichier.rsplit(".", 1)[1]) == (mime, extension)
    assert (documents_dir / claim.document_fichier).read_bytes() == content
