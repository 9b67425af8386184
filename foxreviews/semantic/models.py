"""The vectors of the directory (pgvector): one per entreprise, one per trade word.

Their tables exist only where PostgreSQL has the pgvector extension (migration 0001 creates
them then, and `embed_entreprises` creates them once the extension is installed later): the
models are unmanaged, and every read first asks selectors.semantic_unavailable()."""

from django.db import models
from pgvector.django import HalfVectorField

DIMENSIONS = 128  # the stored vectors' size, whatever the provider (see embedding.py)


class Embedding(models.Model):
    """A row's vector and the md5 of the text it was computed from."""

    text_hash = models.CharField(max_length=32)
    embedding = HalfVectorField(dimensions=DIMENSIONS)

    class Meta:
        abstract = True


class EntrepriseEmbedding(Embedding):
    """An entreprise's vector: its name, enseigne, activity (NAF label), sous-catégories and
    descriptions, embedded; `text_hash` is the md5 of the model's name and that text, so that
    only the rows whose text changed are embedded again."""

    entreprise = models.OneToOneField(
        "enterprise.Entreprise",
        on_delete=models.DO_NOTHING,  # no foreign key (schema.py): the catch-up deletes
        db_constraint=False,
        primary_key=True,
        related_name="embedding",
    )

    class Meta:
        managed = False
        db_table = "semantic_entreprise_embedding"

    def __str__(self) -> str:
        return f"vecteur de l'entreprise {self.entreprise_id}"


class MotMetierEmbedding(Embedding):
    """A trade word's vector ("fuite d'eau", "coiffeur"): a need typed by a visitor is read
    as the sous-catégories of the trade words nearest to it."""

    mot_metier = models.OneToOneField(
        "category.MotMetier",
        on_delete=models.DO_NOTHING,  # no foreign key (schema.py): the catch-up deletes
        db_constraint=False,
        primary_key=True,
        related_name="embedding",
    )

    class Meta:
        managed = False
        db_table = "semantic_motmetier_embedding"

    def __str__(self) -> str:
        return f"vecteur du mot de métier {self.mot_metier_id}"
