import django_filters
from django.core.validators import RegexValidator

from foxreviews.core.text import LETTER_OR_DIGIT
from foxreviews.location.models import Ville
from foxreviews.location.selectors import villes_starting_with

CODE = RegexValidator(r"^[0-9][0-9AB][0-9]?$", "Un code de département ou de région est attendu.")
# punctuation and spaces alone would match every commune: two letters (accents included) or
# digits at least; spelled out, the pattern means the same in Python and in the schema's
# JavaScript dialect (where \w is ASCII only); it is searched anywhere in the value
TWO_LETTERS_OR_DIGITS = RegexValidator(
    LETTER_OR_DIGIT + r"[\s\S]*" + LETTER_OR_DIGIT, "Au moins 2 lettres ou chiffres sont attendus."
)


class VilleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="starting_with",
        label="Début du nom (accents et casse indifférents) ou du code postal",
        validators=[TWO_LETTERS_OR_DIGITS],
        strip=False,  # spaces alone ("\xa0" too) are refused as the schema says, not read as no q
    )
    departement = django_filters.CharFilter(
        field_name="code_departement", label="code du département", validators=[CODE], strip=False
    )
    region = django_filters.CharFilter(
        field_name="code_region", label="code de la région", validators=[CODE], strip=False
    )

    class Meta:
        model = Ville
        fields = ["q", "departement", "region"]

    def starting_with(self, queryset, name: str, value: str):
        return villes_starting_with(queryset, q=value)
