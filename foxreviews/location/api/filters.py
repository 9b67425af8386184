import django_filters
from django.core.validators import RegexValidator

from foxreviews.location.models import Ville

CODE = RegexValidator(r"^[0-9][0-9AB][0-9]?$", "Un code de département ou de région est attendu.")


class VilleFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(
        field_name="code_departement", label="code du département", validators=[CODE], strip=False
    )
    region = django_filters.CharFilter(
        field_name="code_region", label="code de la région", validators=[CODE], strip=False
    )

    class Meta:
        model = Ville
        fields = ["departement", "region"]
