from rest_framework import serializers

from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.location.models import Ville


class VilleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ville
        fields = ["code_insee", "nom", "slug"]


class EntrepriseListSerializer(serializers.ModelSerializer):
    ville = VilleRefSerializer(allow_null=True)

    class Meta:
        model = Entreprise
        fields = [
            "siret", "siren", "nom", "enseigne", "naf_code", "adresse", "code_postal", "ville",
            "etat_administratif", "date_creation", "created_at",
        ]  # fmt: skip


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

    class Meta(EntrepriseListSerializer.Meta):
        fields = [
            *EntrepriseListSerializer.Meta.fields,
            "denomination", "complement_adresse", "code_commune", "tranche_effectifs",
            "prolocalisations",
        ]  # fmt: skip
