"""Entreprise (one SIRENE établissement, keyed by SIRET) and ProLocalisation."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Left, Right

from foxreviews.core.models import TimeStampedModel

from .validators import validate_siren, validate_siret

SEARCH_CONFIG = "foxreviews_fr"


class Entreprise(TimeStampedModel):
    class Etat(models.TextChoices):
        ACTIVE = "A", "Active"
        FERMEE = "F", "Fermée"

    siren = models.CharField("SIREN", max_length=9, validators=[validate_siren])
    nic = models.CharField("NIC", max_length=5)
    # unique through Meta.constraints: a unique field would also get a LIKE index nobody uses
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    nom = models.CharField("nom affiché", max_length=255)
    denomination = models.CharField("dénomination", max_length=255, blank=True)
    enseigne = models.CharField(max_length=255, blank=True)
    naf_code = models.CharField("code NAF", max_length=6, blank=True)
    naf25_code = models.CharField("code NAF 2025", max_length=8, blank=True)
    adresse = models.CharField(max_length=255, blank=True)
    complement_adresse = models.CharField("complément d'adresse", max_length=255, blank=True)
    code_postal = models.CharField(max_length=5, blank=True)
    code_commune = models.CharField("code commune INSEE", max_length=5, blank=True)
    ville = models.ForeignKey(
        "location.Ville",
        on_delete=models.PROTECT,
        related_name="entreprises",
        null=True,
        blank=True,
        db_index=False,  # entreprise_ville_naf_open_idx (ville, ...) serves ville lookups
    )
    etat_administratif = models.CharField(
        "état administratif", max_length=1, choices=Etat.choices, default=Etat.ACTIVE
    )
    date_creation = models.DateField("date de création", null=True, blank=True)
    tranche_effectifs = models.CharField("tranche d'effectifs", max_length=2, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="entreprises",
        null=True,
        blank=True,
        verbose_name="propriétaire (pro)",
        db_index=False,  # almost every entreprise has none: see entreprise_owner_idx
    )

    # French full-text search (core migration 0002's `foxreviews_fr`: unaccented, stemmed), nom
    # weighing more than enseigne; computed by PostgreSQL on every write, the bulk load's too
    search_vector = models.GeneratedField(
        expression=SearchVector("nom", weight="A", config=SEARCH_CONFIG)
        + SearchVector("enseigne", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "entreprise"
        constraints = [
            models.UniqueConstraint(fields=["siret"], name="entreprise_siret_uniq"),
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"), name="entreprise_siret_digits"
            ),
            models.CheckConstraint(
                condition=Q(siren=Left("siret", 9)) & Q(nic=Right("siret", 5)),
                name="entreprise_siren_nic_match_siret",
            ),
            models.CheckConstraint(condition=~Q(nom=""), name="entreprise_nom_not_empty"),
        ]
        indexes = [
            # cursor pagination: ORDER BY created_at, id / nom, id
            models.Index(fields=["created_at", "id"], name="entreprise_created_id_idx"),
            models.Index(fields=["nom", "id"], name="entreprise_nom_id_idx"),
            models.Index(fields=["siren"], name="entreprise_siren_idx"),
            # directory listings: a ville and a NAF code, newest first, read in index order (the
            # page's rows only, not every match sorted); the search's trade in an arrondissement
            # or a code postal filters on code_postal without reading the rows, and a trade in
            # a place ranks its matches, open ones first, from the index alone
            models.Index(
                fields=["ville", "naf_code", "created_at", "id"],
                include=["code_postal", "etat_administratif"],
                name="entreprise_ville_naf_open_idx",
            ),
            # full-text search, alone or within a ville (one scan: btree_gin, core 0003)
            GinIndex(fields=["search_vector", "ville"], name="entreprise_search_ville_idx"),
            # a pro's entreprises
            models.Index(
                fields=["owner"], name="entreprise_owner_idx", condition=Q(owner__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.siret})"

    @property
    def is_active(self) -> bool:
        return self.etat_administratif == self.Etat.ACTIVE


class ProLocalisation(TimeStampedModel):
    """An entreprise in a sous-catégorie and a ville: the unit a visitor sees and reviews."""

    class DescriptionSource(models.TextChoices):
        NONE = "", "Aucune"
        MANUAL = "manual", "Saisie"
        AI = "ai", "Générée (IA)"
        IMPORT = "import", "Import"

    entreprise = models.ForeignKey(
        Entreprise,
        on_delete=models.CASCADE,
        related_name="prolocalisations",
        db_index=False,  # proloc_uniq (entreprise, sous_categorie, ville) serves it
    )
    sous_categorie = models.ForeignKey(
        "category.SousCategorie", on_delete=models.PROTECT, related_name="prolocalisations"
    )
    ville = models.ForeignKey(
        "location.Ville", on_delete=models.PROTECT, related_name="prolocalisations"
    )
    note_moyenne = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    nombre_avis = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField("active", default=True)
    description = models.TextField(blank=True)
    description_source = models.CharField(
        max_length=10, choices=DescriptionSource.choices, default="", blank=True
    )

    class Meta:
        verbose_name = "pro-localisation"
        constraints = [
            models.UniqueConstraint(
                fields=["entreprise", "sous_categorie", "ville"], name="proloc_uniq"
            ),
            models.CheckConstraint(
                condition=Q(note_moyenne__isnull=True)
                | Q(note_moyenne__gte=1, note_moyenne__lte=5),
                name="proloc_note_range",
            ),
        ]
        indexes = [
            # the visitor listing: a ville and a sous-catégorie, best rated first
            models.Index(
                "ville",
                "sous_categorie",
                models.F("note_moyenne").desc(nulls_last=True),
                "id",
                name="proloc_listing_idx",
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entreprise.nom} — {self.sous_categorie} — {self.ville}"
