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
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "sous-catégorie"
        ordering = ["nom"]
        indexes = [models.Index(fields=["categorie", "nom"], name="souscat_cat_nom_idx")]

    def __str__(self) -> str:
        return self.nom


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
