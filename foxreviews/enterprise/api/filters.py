"""The filters of the entreprise list and of the search (they combine: AND)."""

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Subquery
from drf_spectacular.utils import OpenApiParameter

from foxreviews.category.models import NafCode
from foxreviews.enterprise.models import Entreprise
from foxreviews.location.models import Ville

# "56.10A" (a sous-classe), or a prefix of one: "56", "56.1", "56.10"
NAF = RegexValidator(
    r"^[0-9]{2}(\.[0-9]{1,2}[A-Z]?)?$", "Un code NAF (56.10A) ou son début (56) est attendu."
)
# INSEE codes: 2A and 2B for Corsica
CODE = RegexValidator(
    r"^[0-9][0-9AB][0-9]{0,3}$", "Un code de chiffres (2A ou 2B pour la Corse) est attendu."
)


class EntrepriseFilter(django_filters.FilterSet):
    ville = django_filters.CharFilter(
        method="filter_ville",
        label="code INSEE de la commune",
        validators=[CODE],
        strip=False,
    )
    code_postal = django_filters.CharFilter(
        field_name="code_postal", validators=[CODE], strip=False
    )
    departement = django_filters.CharFilter(
        field_name="ville__code_departement",
        label="code du département",
        validators=[CODE],
        strip=False,
    )
    region = django_filters.CharFilter(
        field_name="ville__code_region", label="code de la région", validators=[CODE], strip=False
    )
    naf_code = django_filters.CharFilter(
        method="filter_naf",
        label="code NAF, ou son début (56, 56.1)",
        validators=[NAF],
        strip=False,
    )
    sous_categorie = django_filters.CharFilter(
        method="filter_sous_categorie", label="slug de la sous-catégorie"
    )
    categorie = django_filters.CharFilter(method="filter_categorie", label="slug de la catégorie")
    etat_administratif = django_filters.ChoiceFilter(choices=Entreprise.Etat.choices)

    class Meta:
        model = Entreprise
        fields = [
            "ville", "code_postal", "departement", "region", "naf_code", "sous_categorie",
            "categorie", "etat_administratif",
        ]  # fmt: skip

    def filter_ville(self, queryset, name, value):
        # the ville's id as a value (an InitPlan), not a join: PostgreSQL then reads a page of
        # a ville (+ NAF code) in index order instead of sorting every match
        ville = Ville.objects.filter(code_insee=value).order_by().values("id")[:1]
        return queryset.filter(ville_id=Subquery(ville))

    def filter_naf(self, queryset, name, value):
        if len(value) == 6:
            return queryset.filter(naf_code=value)
        return queryset.filter(naf_code__startswith=value)

    def filter_sous_categorie(self, queryset, name, value):
        codes = NafCode.objects.filter(sous_categorie__slug=value).values("code")
        return queryset.filter(naf_code__in=codes)

    def filter_categorie(self, queryset, name, value):
        codes = NafCode.objects.filter(sous_categorie__categorie__slug=value).values("code")
        return queryset.filter(naf_code__in=codes)


# django-filter's schema has the choices without the empty value (which means: all)
FILTER_PARAMETERS = [
    OpenApiParameter(
        "etat_administratif",
        str,
        enum=[*Entreprise.Etat.values, ""],
        description="A : en activité, F : fermé ; vide : tous.",
    ),
]
