from rest_framework import serializers

from foxreviews.enterprise.api.serializers import EntrepriseListSerializer


class SimilaireSerializer(EntrepriseListSerializer):
    same_ville = serializers.BooleanField(help_text="Dans la même commune que l'entreprise.")
    similarity = serializers.FloatField(
        allow_null=True,
        help_text="Similarité cosinus des vecteurs (nom, activité, description), de -1 à 1 ; "
        "null pour une entreprise pas encore vectorisée.",
    )


class SimilairesSerializer(serializers.Serializer):
    results = SimilaireSerializer(many=True)
