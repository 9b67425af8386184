from rest_framework import serializers

from foxreviews.location.models import Ville


class VilleAutocompleteSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement.nom", default=None)

    class Meta:
        model = Ville
        fields = [
            "code_insee", "nom", "slug", "codes_postaux", "population", "code_departement",
            "departement",
        ]  # fmt: skip


class VilleAutocompleteQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100, trim_whitespace=True)
