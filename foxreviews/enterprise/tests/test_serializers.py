"""The list serializer's fast path (a row of the list's selector) gives exactly what DRF's
field-by-field path gives for the same entreprise."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers

from foxreviews.enterprise.api.serializers import EntrepriseListSerializer
from foxreviews.enterprise.selectors import entreprise_list
from foxreviews.enterprise.tests.factories import EntrepriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


@pytest.mark.parametrize("zone", ["Europe/Paris", "UTC"])  # UTC: DRF writes Z, not +00:00
def test_the_fast_path_matches_drf_field_by_field(zone):
    entreprises = [
        EntrepriseFactory(date_creation=datetime.date(1999, 12, 31), enseigne="L'Œil"),
        EntrepriseFactory(ville=None, date_creation=None, etat_administratif="F"),
    ]
    with timezone.override(zone):
        serializer = EntrepriseListSerializer()
        for entreprise in entreprises:
            generic = serializers.ModelSerializer.to_representation(serializer, entreprise)
            row = entreprise_list().get(id=entreprise.id)
            assert serializer.to_representation(row) == generic
    assert generic["created_at"].endswith("Z") == (zone == "UTC")
