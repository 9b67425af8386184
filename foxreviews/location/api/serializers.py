from rest_framework import serializers

from foxreviews.location.models import Ville


class VilleAutocompleteSerializer(serializers.ModelSerializer):
    # null for the communes of the collectivités d'outre-mer, which have no Departement row
    departement = serializers.CharField(source="departement.nom", default=None, allow_null=True)

    class Meta:
        model = Ville
        fields = [
            "code_insee", "nom", "slug", "codes_postaux", "population", "code_departement",
            "departement",
        ]  # fmt: skip


class VilleAutocompleteQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100, trim_whitespace=True)

    def validate_q(self, value: str) -> str:
        """Punctuation and spaces match every commune: at least two letters or digits."""
        if sum(ch.isalnum() for ch in value) < 2:
            raise serializers.ValidationError("Au moins 2 lettres ou chiffres sont attendus.")
        return value
