"""Sponsorisation: a ProLocalisation shown first between two dates, for an amount."""

from django.db import models
from django.db.models import F, Q

from foxreviews.core.models import TimeStampedModel


class Sponsorisation(TimeStampedModel):
    prolocalisation = models.ForeignKey(
        "enterprise.ProLocalisation", on_delete=models.CASCADE, related_name="sponsorisations"
    )
    date_debut = models.DateTimeField("début")
    date_fin = models.DateTimeField("fin")
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "sponsorisation"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gt=F("date_debut")), name="sponso_fin_after_debut"
            ),
            models.CheckConstraint(condition=Q(montant__gte=0), name="sponso_montant_positive"),
        ]
        indexes = [
            # active sponsorisations of a ProLocalisation, and the expiry sweep
            models.Index(
                fields=["prolocalisation", "date_fin"],
                name="sponso_active_idx",
                condition=Q(is_active=True),
            ),
            models.Index(
                fields=["date_fin"], name="sponso_expiry_idx", condition=Q(is_active=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prolocalisation_id} {self.date_debut:%Y-%m-%d} → {self.date_fin:%Y-%m-%d}"
