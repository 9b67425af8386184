"""Catégories a visitor recognises, their sous-catégories, and the NAF codes that feed them."""

from django.db import models


class Categorie(models.Model):
    nom = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "catégorie"
        ordering = ["ordre", "nom"]

    def __str__(self) -> str:
        return self.nom


class SousCategorie(models.Model):
    categorie = models.ForeignKey(
        Categorie, on_delete=models.PROTECT, related_name="sous_categories"
    )
    nom = models.CharField(max_length=200)
    # what a visitor reads ("Plombiers, chauffagistes"); empty: the NAF label (nom) is shown
    nom_public = models.CharField(
        "nom pour les visiteurs", max_length=200, blank=True, default="", db_default=""
    )
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "sous-catégorie"
        ordering = ["nom"]
        indexes = [models.Index(fields=["categorie", "nom"], name="souscat_cat_nom_idx")]

    def __str__(self) -> str:
        return self.nom

    @property
    def visitor_name(self) -> str:
        return self.nom_public or self.nom


class NafCode(models.Model):
    """A NAF rév. 2 sous-classe (e.g. `56.10A`); its sous_categorie is editable in the admin."""

    code = models.CharField(max_length=6, unique=True)
    libelle = models.CharField("libellé", max_length=255)
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=2)
    sous_categorie = models.ForeignKey(
        SousCategorie,
        on_delete=models.SET_NULL,
        related_name="naf_codes",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "code NAF"
        verbose_name_plural = "codes NAF"
        ordering = ["code"]
        indexes = [models.Index(fields=["sous_categorie"], name="naf_souscat_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle}"


class MotMetier(models.Model):
    """A word a visitor types for a trade ("plombier", "salon de coiffure") and a sous-catégorie
    it means. The reference vocabulary (data/vocabulaire.csv) loads with the reference data;
    staff add synonyms in the admin. A word meaning several sous-catégories has one row each;
    the first one (lowest id) names the trade in the search's answer."""

    terme = models.CharField(max_length=100)
    sous_categorie = models.ForeignKey(
        SousCategorie, on_delete=models.CASCADE, related_name="mots_metier"
    )

    class Meta:
        verbose_name = "mot de métier"
        verbose_name_plural = "mots de métier"
        ordering = ["terme", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["terme", "sous_categorie"], name="motmetier_terme_souscat_uniq"
            ),
            models.CheckConstraint(condition=~models.Q(terme=""), name="motmetier_terme_not_empty"),
        ]

    def __str__(self) -> str:
        return self.terme
