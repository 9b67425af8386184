"""What the entreprise endpoints show. The list's serializers declare their fields (read-only
output, not rebuilt from the model on every request as a ModelSerializer's are)."""

from rest_framework import serializers

from foxreviews.enterprise.models import Entreprise, ProLocalisation


class VilleRefSerializer(serializers.Serializer):
    code_insee = serializers.CharField(help_text="Code INSEE de la commune.")
    nom = serializers.CharField()
    slug = serializers.SlugField()


class EntrepriseListSerializer(serializers.Serializer):
    siret = serializers.CharField(help_text="SIRET (14 chiffres) de l'établissement.")
    siren = serializers.CharField(help_text="SIREN (9 chiffres) de l'unité légale.")
    nom = serializers.CharField(help_text="Nom affiché.")
    enseigne = serializers.CharField()
    naf_code = serializers.CharField(help_text="Code NAF rév. 2 (56.10A), vide si inconnu.")
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    ville = VilleRefSerializer(allow_null=True)
    etat_administratif = serializers.ChoiceField(choices=Entreprise.Etat.choices)
    date_creation = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


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
    denomination = serializers.CharField(help_text="Dénomination de l'unité légale.")
    complement_adresse = serializers.CharField()
    code_commune = serializers.CharField(help_text="Code INSEE de la commune déclarée.")
    tranche_effectifs = serializers.CharField(help_text="Tranche d'effectifs INSEE (00 à 53).")
    prolocalisations = ProLocalisationSerializer(many=True)
