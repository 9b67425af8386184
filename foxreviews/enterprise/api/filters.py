import django_filters

from foxreviews.enterprise.models import Entreprise


class EntrepriseFilter(django_filters.FilterSet):
    ville = django_filters.CharFilter(field_name="ville__code_insee", label="code INSEE")
    code_postal = django_filters.CharFilter(field_name="code_postal")
    naf_code = django_filters.CharFilter(field_name="naf_code")
    etat_administratif = django_filters.ChoiceFilter(choices=Entreprise.Etat.choices)

    class Meta:
        model = Entreprise
        fields = ["ville", "code_postal", "naf_code", "etat_administratif"]
