from django.core.validators import RegexValidator
from rest_framework import serializers

from foxreviews.core.text import LETTER_OR_DIGIT
from foxreviews.enterprise.api.serializers import VilleRefSerializer
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.search.selectors import SEARCH_MIN_LENGTH

# punctuation and spaces find nothing: three letters or digits at least, anywhere in q
THREE = r"[\s\S]*".join([LETTER_OR_DIGIT] * SEARCH_MIN_LENGTH)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=SEARCH_MIN_LENGTH,
        max_length=200,
        trim_whitespace=True,
        help_text="Nom ou enseigne (accents, casse et fautes de frappe tolérés).",
        validators=[RegexValidator(THREE, "Au moins 3 lettres ou chiffres sont attendus.")],
    )


class ListingQuerySerializer(serializers.Serializer):
    ville = serializers.RegexField(
        r"^[0-9][0-9AB][0-9]{3}$", help_text="Code INSEE de la commune (69123)."
    )
    sous_categorie = serializers.RegexField(
        r"^[-a-z0-9]{1,220}$", help_text="Slug de la sous-catégorie."
    )


class ListingEntrepriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entreprise
        fields = ["siret", "nom", "enseigne", "adresse", "code_postal", "etat_administratif"]


class ListingSerializer(serializers.ModelSerializer):
    entreprise = ListingEntrepriseSerializer()
    sous_categorie = serializers.CharField(source="sous_categorie.nom")
    categorie = serializers.CharField(source="sous_categorie.categorie.nom")
    ville = VilleRefSerializer()
    sponsored = serializers.BooleanField(help_text="Mise en avant payée, en cours.")

    class Meta:
        model = ProLocalisation
        fields = [
            "id", "entreprise", "sous_categorie", "categorie", "ville", "note_moyenne",
            "nombre_avis", "sponsored", "description",
        ]  # fmt: skip
