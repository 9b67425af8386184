"""Régions, départements and villes from Etalab's découpage administratif (COG)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper


class Zone(models.TextChoices):
    METRO = "metro", "Métropole"
    DROM = "drom", "Outre-mer (DROM)"
    COM = "com", "Collectivité d'outre-mer"


class Region(models.Model):
    code = models.CharField(max_length=3, unique=True)
    nom = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    zone = models.CharField(max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.nom


class Departement(models.Model):
    code = models.CharField(max_length=3, unique=True)
    nom = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField(max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Ville(models.Model):
    """A commune in force (type `commune-actuelle` of the COG).

    Communes of the collectivités d'outre-mer (975, 977, 978, 98x) have no Departement row:
    their code_departement is kept, their departement is null.
    """

    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField(max_length=100)
    # Lower-case, accent-free form of nom, computed when loading: feeds prefix autocomplete.
    nom_recherche = models.CharField(max_length=100, editable=False)
    slug = models.SlugField(max_length=120, unique=True)
    codes_postaux = ArrayField(models.CharField(max_length=5), default=list, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    code_departement = models.CharField(max_length=3)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="villes", null=True, blank=True
    )
    code_region = models.CharField(max_length=3)
    zone = models.CharField(max_length=5, choices=Zone.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "ville"
        ordering = ["nom", "code_insee"]
        indexes = [
            # autocomplete: `nom_recherche LIKE 'q%'`, bigger communes first
            models.Index(
                OpClass("nom_recherche", name="varchar_pattern_ops"),
                name="ville_nom_prefix_idx",
            ),
            # fuzzy/infix matches on the name
            GinIndex(OpClass("nom_recherche", name="gin_trgm_ops"), name="ville_nom_trgm_idx"),
            # cursor pagination by name
            models.Index(fields=["nom", "id"], name="ville_nom_id_idx"),
            models.Index(fields=["departement", "nom"], name="ville_dept_nom_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_departement})"


class CodePostal(models.Model):
    """One (code postal, commune) pair of La Poste's base, with its libellé d'acheminement."""

    code = models.CharField(max_length=5)
    ville = models.ForeignKey(Ville, on_delete=models.CASCADE, related_name="codes_postaux_set")
    libelle_acheminement = models.CharField(max_length=100)

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "ville"], name="codepostal_code_ville_uniq")
        ]
        indexes = [
            # autocomplete by code postal prefix: `code LIKE '750%'`
            models.Index(OpClass("code", name="varchar_pattern_ops"), name="cp_code_prefix_idx"),
            models.Index(Upper("libelle_acheminement"), name="cp_acheminement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle_acheminement}"


class CommuneAlias(models.Model):
    """A code that is not a commune in force but stands for one: an arrondissement municipal
    (75101 → Paris), a commune déléguée or associée, or a former code (20004 → Ajaccio 2A004).
    SIRENE establishments and La Poste still use them."""

    class Type(models.TextChoices):
        ARRONDISSEMENT = "arrondissement-municipal", "Arrondissement municipal"
        DELEGUEE = "commune-deleguee", "Commune déléguée"
        ASSOCIEE = "commune-associee", "Commune associée"
        ANCIEN_CODE = "ancien-code", "Ancien code"

    code = models.CharField(max_length=5, unique=True)
    ville = models.ForeignKey(Ville, on_delete=models.CASCADE, related_name="aliases")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        verbose_name = "alias de commune"
        verbose_name_plural = "alias de communes"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.ville_id}"
