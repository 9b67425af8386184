"""Avis: a rating from 1 to 5 with a text, moderated before it counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from foxreviews.core.models import TimeStampedModel


class Avis(TimeStampedModel):
    class Statut(models.TextChoices):
        PENDING = "pending", "En attente"
        APPROVED = "approved", "Publié"
        REJECTED = "rejected", "Refusé"

    prolocalisation = models.ForeignKey(
        "enterprise.ProLocalisation", on_delete=models.CASCADE, related_name="avis"
    )
    note = models.PositiveSmallIntegerField()
    titre = models.CharField(max_length=200, blank=True)
    texte = models.TextField()
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="avis",
        null=True,
        blank=True,
    )
    auteur_nom = models.CharField("nom affiché de l'auteur", max_length=120)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PENDING)
    motif_moderation = models.CharField("motif de modération", max_length=255, blank=True)
    modere_le = models.DateTimeField("modéré le", null=True, blank=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.CheckConstraint(condition=Q(note__gte=1, note__lte=5), name="avis_note_1_5"),
        ]
        indexes = [
            # a ProLocalisation's published reviews, newest first
            models.Index(
                fields=["prolocalisation", "statut", "-created_at"], name="avis_proloc_statut_idx"
            ),
            # the moderation queue
            models.Index(
                fields=["created_at"], name="avis_pending_idx", condition=Q(statut="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note}/5 par {self.auteur_nom}"
