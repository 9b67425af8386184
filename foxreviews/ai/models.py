"""A description written by AI for a pro-localisation: its text, its provenance, the fact
check's findings and the staff's decision (published only once approved)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from foxreviews.core.models import TimeStampedModel


class DescriptionGeneree(TimeStampedModel):
    class Statut(models.TextChoices):
        DRAFT = "draft", "Brouillon (à relire)"
        APPROVED = "approved", "Approuvée (publiée)"
        REJECTED = "rejected", "Rejetée"
        # a newer description took its place (a draft regenerated, or a newer one published)
        SUPERSEDED = "superseded", "Remplacée"

    prolocalisation = models.ForeignKey(
        "enterprise.ProLocalisation",
        on_delete=models.CASCADE,
        related_name="descriptions_generees",
        db_index=False,  # aidesc_proloc_statut_idx (prolocalisation, statut, ...) serves it
    )
    texte = models.TextField()
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.DRAFT)
    # provenance
    fournisseur = models.CharField("fournisseur", max_length=40)  # "offline", "openai-compatible"
    modele = models.CharField("modèle", max_length=120)
    version_prompt = models.CharField("version du prompt", max_length=20)
    faits = models.JSONField("faits fournis")  # shown to staff; never branched on
    empreinte_faits = models.CharField("SHA-256 des faits", max_length=64)
    # the fact check: every number, date, place and name of the text is in the facts
    verification_ok = models.BooleanField("vérification réussie")
    constats = models.JSONField("constats de la vérification", default=list, blank=True)
    texte_modifie = models.BooleanField("modifiée par l'équipe", default=False)
    revue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="relue par",
    )
    revue_le = models.DateTimeField("relue le", null=True, blank=True)
    # the last time the batch found the facts of an approved description unchanged
    faits_vus_le = models.DateTimeField("faits revus le", null=True, blank=True)

    class Meta:
        verbose_name = "description générée"
        verbose_name_plural = "descriptions générées"
        constraints = [
            # one draft waits for review per pro-localisation: a second batch writes none
            models.UniqueConstraint(
                fields=["prolocalisation"],
                condition=Q(statut="draft"),
                name="aidesc_one_draft_per_proloc",
            ),
            # one published description per pro-localisation: the previous one is superseded
            models.UniqueConstraint(
                fields=["prolocalisation"],
                condition=Q(statut="approved"),
                name="aidesc_one_approved_per_proloc",
            ),
            models.CheckConstraint(
                condition=~Q(statut="approved") | Q(verification_ok=True),
                name="aidesc_approved_is_checked",
            ),
        ]
        indexes = [
            # a pro-localisation's drafts and its current approved description
            models.Index(
                fields=["prolocalisation", "statut", "-created_at"],
                name="aidesc_proloc_statut_idx",
            ),
            # the review queue: drafts, newest first
            models.Index(
                fields=["statut", "-created_at"],
                name="aidesc_statut_created_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Description de {self.prolocalisation_id} ({self.get_statut_display()})"
