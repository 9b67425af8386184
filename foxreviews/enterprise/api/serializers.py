from rest_framework import serializers

from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.location.models import Ville


class VilleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ville
        fields = ["code_insee", "nom", "slug"]


_DATETIME = serializers.DateTimeField()  # DRF's format and time zone, for the fast path


class EntrepriseListSerializer(serializers.ModelSerializer):
    ville = VilleRefSerializer(allow_null=True)

    class Meta:
        model = Entreprise
        fields = [
            "siret", "siren", "nom", "enseigne", "naf_code", "adresse", "code_postal", "ville",
            "etat_administratif", "date_creation", "created_at",
        ]  # fmt: skip

    def to_representation(self, e: Entreprise) -> dict:
        """The fields declared above, built directly: DRF's field-by-field path took 3 ms of
        an 8 ms page of 20 (test_serializers pins that both give the same answer)."""
        ville = e.ville
        return {
            "siret": e.siret, "siren": e.siren, "nom": e.nom, "enseigne": e.enseigne,
            "naf_code": e.naf_code, "adresse": e.adresse, "code_postal": e.code_postal,
            "ville": None if ville is None else {
                "code_insee": ville.code_insee, "nom": ville.nom, "slug": ville.slug,
            },
            "etat_administratif": e.etat_administratif,
            "date_creation": e.date_creation.isoformat() if e.date_creation else None,
            "created_at": _DATETIME.to_representation(e.created_at),
        }  # fmt: skip


class ProLocalisationSerializer(serializers.ModelSerializer):
    sous_categorie = serializers.CharField(source="sous_categorie.nom")
    categorie = serializers.CharField(source="sous_categorie.categorie.nom")
    ville = VilleRefSerializer()

    class Meta:
        model = ProLocalisation
        fields = [
            "id", "sous_categorie", "categorie", "ville", "note_moyenne", "nombre_avis",
            "is_active", "description",
        ]  # fmt: skip


class EntrepriseDetailSerializer(EntrepriseListSerializer):
    prolocalisations = ProLocalisationSerializer(many=True)

    def to_representation(self, instance: Entreprise) -> dict:
        return serializers.ModelSerializer.to_representation(self, instance)  # every field

    class Meta(EntrepriseListSerializer.Meta):
        fields = [
            *EntrepriseListSerializer.Meta.fields,
            "denomination", "complement_adresse", "code_commune", "tranche_effectifs",
            "prolocalisations",
        ]  # fmt: skip
