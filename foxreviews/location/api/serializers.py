from rest_framework import serializers

from foxreviews.location.models import Ville

from .filters import TWO_LETTERS_OR_DIGITS


class VilleSerializer(serializers.ModelSerializer):
    # null for the communes of the collectivités d'outre-mer, which have no Departement row
    departement = serializers.CharField(source="departement.nom", default=None, allow_null=True)

    class Meta:
        model = Ville
        fields = [
            "code_insee", "nom", "slug", "codes_postaux", "population", "code_departement",
            "departement",
        ]  # fmt: skip


class VilleAutocompleteSerializer(VilleSerializer):
    """Documents what location/autocomplete.py renders from ville_autocomplete()'s rows
    (test_villes_api pins that both name the same fields)."""


class VilleAutocompleteQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=100,
        trim_whitespace=True,
        help_text="Début du nom (accents et casse indifférents) ou du code postal.",
        validators=[TWO_LETTERS_OR_DIGITS],
    )
