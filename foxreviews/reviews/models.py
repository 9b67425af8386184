"""Avis: a rating from 1 to 5 with a text, moderated before it counts; the reports visitors
make on them (Signalement) and the owner's public answer (Reponse)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from foxreviews.core.models import TimeStampedModel


class MotifRefus(models.TextChoices):
    """Why an avis is refused: the author is told this, in these words (décret 2017-1436)."""

    CONTENU_ILLICITE = "contenu_illicite", "Contenu illicite, injurieux, diffamatoire ou haineux"
    DONNEES_PERSONNELLES = "donnees_personnelles", "Données personnelles d'un tiers"
    PUBLICITE = "publicite", "Publicité, promotion ou liens"
    PAS_EXPERIENCE = "pas_experience", "Pas une expérience réelle et personnelle"
    HORS_SUJET = "hors_sujet", "Sans rapport avec l'établissement"
    CONFLIT_INTERETS = "conflit_interets", "Conflit d'intérêts (auteur lié à l'établissement)"
    DOUBLON = "doublon", "Avis en double"
    AUTRE = "autre", "Autre motif (précisé)"


class Alerte(models.TextChoices):
    """What the heuristics saw in an avis: they flag it for the moderator, never decide."""

    LIEN = "lien", "Lien dans le texte"
    EMAIL = "email", "Adresse e-mail dans le texte"
    TELEPHONE = "telephone", "Numéro de téléphone dans le texte"
    TEXTE_DUPLIQUE = "texte_duplique", "Même texte publié ailleurs"
    RAFALE_ADRESSE = "rafale_adresse", "Plusieurs avis de la même adresse IP en une heure"
    RAFALE_COMPTE = "rafale_compte", "Plusieurs avis du même compte en une heure"
    MAJUSCULES = "majuscules", "Texte en majuscules"
    AUTEUR_PROPRIETAIRE = "auteur_proprietaire", "Auteur devenu propriétaire de l'établissement"


class Avis(TimeStampedModel):
    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente de modération"
        PUBLIE = "publie", "Publié"
        REFUSE = "refuse", "Refusé"

    class Verification(models.TextChoices):
        AUCUNE = "aucune", "Avis non vérifié"
        COMPTE_VERIFIE = (
            "compte_verifie",
            "Auteur au compte à l'adresse e-mail vérifiée ; avis relu par un modérateur",
        )

    prolocalisation = models.ForeignKey(
        "enterprise.ProLocalisation", on_delete=models.CASCADE, related_name="avis"
    )
    note = models.PositiveSmallIntegerField()
    titre = models.CharField(max_length=200, blank=True)
    texte = models.TextField()
    date_experience = models.DateField("date de l'expérience", null=True, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="avis",
        null=True,
        blank=True,
    )
    auteur_nom = models.CharField("nom affiché de l'auteur", max_length=120)
    verification = models.CharField(
        "vérification", max_length=16, choices=Verification.choices, default=Verification.AUCUNE
    )
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.EN_ATTENTE)
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    # hidden at once by a report of illicit content, until a moderator decides
    masque = models.BooleanField("masqué", default=False)
    # a report arrived since the last decision: the avis is back in the moderation queue
    signale_le = models.DateTimeField("signalé le", null=True, blank=True)
    alertes = ArrayField(
        models.CharField(max_length=20, choices=Alerte.choices), default=list, blank=True
    )
    motif_refus = models.CharField(
        "motif de refus", max_length=24, choices=MotifRefus.choices, blank=True
    )
    motif_moderation = models.CharField("précisions du modérateur", max_length=500, blank=True)
    modere_le = models.DateTimeField("modéré le", null=True, blank=True)
    modere_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="modéré par",
    )
    # what the heuristics compare: the address it was posted from, its normalised text's hash
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    empreinte = models.CharField("empreinte du texte", max_length=64, blank=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.CheckConstraint(condition=Q(note__gte=1, note__lte=5), name="avis_note_1_5"),
            models.CheckConstraint(
                condition=~Q(statut="publie") | Q(publie_le__isnull=False),
                name="avis_publie_has_date",
            ),
            # one avis per account and pro-localisation
            models.UniqueConstraint(
                fields=["auteur", "prolocalisation"],
                name="avis_one_per_author_uniq",
                condition=Q(auteur__isnull=False),
            ),
        ]
        indexes = [
            # a ProLocalisation's public avis, newest published first (cursor pages)
            models.Index(
                "prolocalisation",
                models.F("publie_le").desc(),
                models.F("id").desc(),
                name="avis_public_idx",
                condition=Q(statut="publie", masque=False),
            ),
            # the moderation queues: pending, and reported
            models.Index(
                fields=["created_at", "id"],
                name="avis_en_attente_idx",
                condition=Q(statut="en_attente"),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="avis_signale_idx",
                condition=Q(signale_le__isnull=False),
            ),
            # the heuristics: the same text elsewhere, bursts from one address
            models.Index(
                fields=["empreinte"], name="avis_empreinte_idx", condition=~Q(empreinte="")
            ),
            models.Index(
                fields=["adresse_ip", "created_at"],
                name="avis_ip_idx",
                condition=Q(adresse_ip__isnull=False),
            ),
            # an author's own avis, newest first
            models.Index(
                fields=["auteur", "created_at", "id"],
                name="avis_auteur_idx",
                condition=Q(auteur__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note}/5 par {self.auteur_nom}"


class Signalement(models.Model):
    """A signed-in visitor's report of an avis, for a reason of a fixed list."""

    class Motif(models.TextChoices):
        CONTENU_ILLICITE = "contenu_illicite", "Contenu illicite ou haineux"
        DONNEES_PERSONNELLES = "donnees_personnelles", "Données personnelles"
        PUBLICITE = "publicite", "Publicité"
        PAS_EXPERIENCE_REELLE = "pas_experience_reelle", "Pas une expérience réelle"
        AUTRE = "autre", "Autre"

    avis = models.ForeignKey(Avis, on_delete=models.CASCADE, related_name="signalements")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signalements"
    )
    motif = models.CharField(max_length=24, choices=Motif.choices)
    texte = models.TextField(blank=True)
    created_at = models.DateTimeField("signalé le", auto_now_add=True)
    # set by the moderator's next decision on the avis
    traite_le = models.DateTimeField("traité le", null=True, blank=True)

    class Meta:
        verbose_name = "signalement"
        constraints = [
            models.UniqueConstraint(fields=["avis", "auteur"], name="signalement_one_per_author"),
        ]

    def __str__(self) -> str:
        return f"{self.get_motif_display()} sur l'avis {self.avis_id}"


class Reponse(TimeStampedModel):
    """The owner's one public answer to an avis, editable for REPONSE_EDIT_HOURS."""

    avis = models.OneToOneField(Avis, on_delete=models.CASCADE, related_name="reponse")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    texte = models.TextField()

    class Meta:
        verbose_name = "réponse du professionnel"
        verbose_name_plural = "réponses des professionnels"

    def __str__(self) -> str:
        return f"Réponse à l'avis {self.avis_id}"
