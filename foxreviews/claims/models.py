"""Revendication: an account's claim to own an entreprise (a SIREN), with its supporting
document, decided by staff; and the audit trail of its transitions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Left

from foxreviews.core.models import TimeStampedModel


class Revendication(TimeStampedModel):
    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        APPROUVEE = "approuvee", "Approuvée"
        REFUSEE = "refusee", "Refusée"

    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="revendications",
        db_index=False,  # revendication_demandeur_idx (demandeur, created_at) serves it
    )
    siret = models.CharField("SIRET", max_length=14)
    siren = models.CharField("SIREN", max_length=9)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.EN_ATTENTE)
    # the document: stored privately (claims/documents.py), under a name we chose, never served
    # but to staff; its type is what its bytes say, not what its name or the client claimed
    document_fichier = models.CharField("fichier du justificatif", max_length=100)
    document_type = models.CharField("type du justificatif", max_length=40)
    document_taille = models.PositiveIntegerField("taille du justificatif (octets)")
    document_nom = models.CharField("nom du justificatif envoyé", max_length=200, blank=True)
    motif_refus = models.TextField("motif du refus", blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="décidée par",
    )
    decide_le = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "revendication"
        constraints = [
            # only one account owns a SIREN: a second approval fails here, whatever the race
            models.UniqueConstraint(
                fields=["siren"],
                condition=Q(statut="approuvee"),
                name="revendication_one_approved_per_siren",
            ),
            # one open claim per account and SIREN (another account may claim it too)
            models.UniqueConstraint(
                fields=["demandeur", "siren"],
                condition=Q(statut="en_attente"),
                name="revendication_one_pending_per_account_siren",
            ),
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$") & Q(siren=Left("siret", 9)),
                name="revendication_siret_siren_match",
            ),
            models.CheckConstraint(
                condition=Q(statut="en_attente") | Q(decide_le__isnull=False),
                name="revendication_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                name="revendication_refused_has_reason",
            ),
        ]
        indexes = [
            # an account's own claims, newest first
            models.Index(fields=["demandeur", "-created_at"], name="revendication_demandeur_idx"),
            # the staff's queue, oldest first
            models.Index(
                fields=["created_at"],
                name="revendication_pending_idx",
                condition=Q(statut="en_attente"),
            ),
        ]

    @property
    def document_download_name(self) -> str:
        return f"revendication-{self.pk}-{self.siren}.{self.document_fichier.rsplit('.', 1)[-1]}"

    def __str__(self) -> str:
        return f"Revendication n°{self.pk} du SIREN {self.siren} ({self.get_statut_display()})"


class RevendicationTransition(models.Model):
    """One change of a claim's statut: who, when, from, to, why (the audit trail)."""

    revendication = models.ForeignKey(
        Revendication, on_delete=models.CASCADE, related_name="transitions"
    )
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True
    )
    le = models.DateTimeField(auto_now_add=True)
    de = models.CharField(max_length=10, blank=True)  # "" for the claim's creation
    vers = models.CharField(max_length=10, choices=Revendication.Statut.choices)
    motif = models.TextField(blank=True)

    class Meta:
        verbose_name = "transition de revendication"
        ordering = ["le", "id"]

    def __str__(self) -> str:
        return f"{self.de or '∅'} → {self.vers} le {self.le:%d/%m/%Y %H:%M}"
