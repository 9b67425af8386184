from django.core.validators import RegexValidator
from rest_framework import serializers

from foxreviews.core.text import LETTER_OR_DIGIT
from foxreviews.enterprise.api.serializers import (
    DESCRIPTION_SOURCE_HELP,
    EntrepriseListSerializer,
    VilleRefSerializer,
)
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.search.selectors import SEARCH_MIN_LENGTH

# punctuation and spaces find nothing: three letters or digits at least, anywhere in q
THREE = r"[\s\S]*".join([LETTER_OR_DIGIT] * SEARCH_MIN_LENGTH)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=SEARCH_MIN_LENGTH,
        max_length=200,
        trim_whitespace=True,
        help_text=(
            "Ce que cherche le visiteur : un métier, un lieu et des mots du nom, dans n'importe "
            "quel ordre (« plombier quiberon », « coiffeur paris 11 », « boulangerie 69003 », "
            "« restaurant finistere », « boulangerie lemaitre »). Accents, casse, pluriels et "
            "fautes de frappe tolérés ; entre guillemets, des mots du nom seulement."
        ),
        validators=[RegexValidator(THREE, "Au moins 3 lettres ou chiffres sont attendus.")],
    )

    mode = serializers.ChoiceField(
        choices=["lexical", "semantic", "hybrid"],
        required=False,
        allow_blank=True,  # empty, as the filters: the default
        help_text=(
            "lexical : le texte (nom, métier, lieu) ; semantic : les vecteurs du besoin ; "
            "hybrid : les deux fusionnés (rangs réciproques). Par défaut hybrid là où les "
            "vecteurs existent, sinon lexical."
        ),
    )


class SearchResultSerializer(EntrepriseListSerializer):
    """A row of the search: a list's row (its own name: the search's pages carry `understood`,
    the list's do not, and the schema names each page after its rows)."""


PLACE_KINDS = ["ville", "arrondissement", "code_postal", "departement"]


class PlaceRefSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=PLACE_KINDS,
        help_text="ville (une commune), arrondissement, code_postal (toutes les communes qu'il "
        "dessert) ou departement.",
    )
    code = serializers.CharField(help_text="Code INSEE, code postal ou code du département.")
    name = serializers.CharField()


class UnderstoodPlaceSerializer(PlaceRefSerializer):
    departement = serializers.CharField(help_text="Code du département du lieu.")
    ambiguous = serializers.BooleanField(
        help_text="Les mots désignent aussi d'autres lieux (alternatives) : la commune la plus "
        "peuplée a été retenue."
    )
    alternatives = PlaceRefSerializer(many=True)


class UnderstoodTradeSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Slug de la sous-catégorie qui nomme le métier.")
    name = serializers.CharField(
        help_text="Son nom pour les visiteurs (« Plombiers, chauffagistes »)."
    )
    sous_categories = serializers.ListField(
        child=serializers.SlugField(), help_text="Toutes les sous-catégories du métier (slugs)."
    )


class UnderstoodSerializer(serializers.Serializer):
    """How the search read q: a client can show "Plombiers à Quiberon"."""

    trade = UnderstoodTradeSerializer(allow_null=True, help_text="Le métier reconnu, ou null.")
    place = UnderstoodPlaceSerializer(allow_null=True, help_text="Le lieu reconnu, ou null.")
    words = serializers.ListField(
        child=serializers.CharField(),
        help_text="Les mots cherchés dans le nom et l'enseigne (sans accents, en minuscules).",
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
    sous_categorie = serializers.CharField(
        source="sous_categorie.visitor_name",
        help_text="Nom pour les visiteurs, sinon le libellé NAF.",
    )
    categorie = serializers.CharField(source="sous_categorie.categorie.nom")
    ville = VilleRefSerializer()
    sponsored = serializers.BooleanField(help_text="Mise en avant payée, en cours.")

    class Meta:
        model = ProLocalisation
        fields = [
            "id", "entreprise", "sous_categorie", "categorie", "ville", "note_moyenne",
            "nombre_avis", "sponsored", "description", "description_source",
        ]  # fmt: skip
        extra_kwargs = {"description_source": {"help_text": DESCRIPTION_SOURCE_HELP}}
