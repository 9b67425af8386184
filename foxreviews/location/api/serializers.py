from django.core.validators import RegexValidator
from rest_framework import serializers

from foxreviews.core.text import LETTER_OR_DIGIT
from foxreviews.location.models import Ville


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
    # punctuation and spaces match every commune: two letters (accents included) or digits at
    # least; spelled out, the pattern means the same in Python and in the schema's JavaScript
    # dialect (where \w is ASCII only); it is searched anywhere in the value
    q = serializers.CharField(
        min_length=2,
        max_length=100,
        trim_whitespace=True,
        help_text="Début du nom (accents et casse indifférents) ou du code postal.",
        validators=[
            RegexValidator(
                LETTER_OR_DIGIT + r"[\s\S]*" + LETTER_OR_DIGIT,
                "Au moins 2 lettres ou chiffres sont attendus.",
            )
        ],
    )
