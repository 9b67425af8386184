"""The list serializer's fast path gives exactly what DRF's field-by-field path gives."""

import datetime

import pytest
from rest_framework import serializers

from foxreviews.enterprise.api.serializers import EntrepriseListSerializer
from foxreviews.enterprise.tests.factories import EntrepriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


def test_the_fast_path_matches_drf_field_by_field():
    entreprises = [
        EntrepriseFactory(date_creation=datetime.date(1999, 12, 31), enseigne="L'Œil"),
        EntrepriseFactory(ville=None, date_creation=None, etat_administratif="F"),
    ]
    serializer = EntrepriseListSerializer()
    for entreprise in entreprises:
        generic = serializers.ModelSerializer.to_representation(serializer, entreprise)
        assert serializer.to_representation(entreprise) == generic
