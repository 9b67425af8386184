"""What the entreprise endpoints show: a list reads the rows of entreprise_list() (dicts), the
detail an Entreprise with its pro-localisations."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foxreviews.enterprise.models import Entreprise, ProLocalisation


class VilleRefSerializer(serializers.Serializer):
    code_insee = serializers.CharField(help_text="Code INSEE de la commune.")
    nom = serializers.CharField()
    slug = serializers.SlugField()


@extend_schema_field(VilleRefSerializer(allow_null=True))
class VilleOfRowField(serializers.Field):
    """The ville of a list row (its ville__ keys); null for an entreprise without one."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row: dict) -> dict | None:
        if row["ville__code_insee"] is None:
            return None
        return {"code_insee": row["ville__code_insee"], "nom": row["ville__nom"],
                "slug": row["ville__slug"]}  # fmt: skip


class EntrepriseListSerializer(serializers.Serializer):
    """A row of entreprise_list(); declared fields, not rebuilt from the model per request."""

    siret = serializers.CharField(help_text="SIRET (14 chiffres) de l'établissement.")
    siren = serializers.CharField(help_text="SIREN (9 chiffres) de l'unité légale.")
    nom = serializers.CharField(help_text="Nom affiché.")
    enseigne = serializers.CharField()
    naf_code = serializers.CharField(help_text="Code NAF rév. 2 (56.10A), vide si inconnu.")
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    ville = VilleOfRowField()
    etat_administratif = serializers.ChoiceField(choices=Entreprise.Etat.choices)
    date_creation = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


DESCRIPTION_SOURCE_HELP = (
    "Qui a écrit la description : « ai » (générée par IA à partir des faits de l'annuaire, puis "
    "relue par l'équipe), « manual » (saisie), « import », ou vide (aucune)."
)


class ProLocalisationSerializer(serializers.ModelSerializer):
    sous_categorie = serializers.CharField(
        source="sous_categorie.visitor_name",
        help_text="Nom pour les visiteurs, sinon le libellé NAF.",
    )
    categorie = serializers.CharField(source="sous_categorie.categorie.nom")
    ville = VilleRefSerializer()

    class Meta:
        model = ProLocalisation
        fields = [
            "id", "sous_categorie", "categorie", "ville", "note_moyenne", "nombre_avis",
            "is_active", "description", "description_source",
        ]  # fmt: skip
        extra_kwargs = {"description_source": {"help_text": DESCRIPTION_SOURCE_HELP}}


class EntrepriseDetailSerializer(serializers.ModelSerializer):
    ville = VilleRefSerializer(allow_null=True)
    prolocalisations = ProLocalisationSerializer(many=True)

    class Meta:
        model = Entreprise
        fields = [
            "siret", "siren", "nom", "enseigne", "naf_code", "adresse", "code_postal", "ville",
            "etat_administratif", "date_creation", "created_at", "denomination",
            "complement_adresse", "code_commune", "tranche_effectifs", "prolocalisations",
        ]  # fmt: skip
