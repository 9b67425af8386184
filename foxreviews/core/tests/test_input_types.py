"""A JSON request body's values have the JSON types the schema documents (core.api.serializers):
DRF alone would take 12345 for a name, "5" for a note, 1 for a boolean."""

import pytest
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.test import APIClient

from foxreviews.core.api.serializers import InputSerializer
from foxreviews.users.models import User


class Example(InputSerializer):
    nom = serializers.CharField()
    note = serializers.IntegerField(required=False)
    ouvert = serializers.BooleanField(required=False)
    duree = serializers.ChoiceField(choices=[3, 6, 12], required=False)
    motif = serializers.ChoiceField(choices=["spam", "faux"], required=False)
    remarque = serializers.CharField(required=False, allow_null=True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nom": 12345}, "nom"),
        ({"nom": 1.5e300}, "nom"),
        ({"nom": ["a", "b"]}, "nom"),
        ({"nom": "Léa", "note": "5"}, "note"),
        ({"nom": "Léa", "note": 5.0}, "note"),
        ({"nom": "Léa", "note": True}, "note"),
        ({"nom": "Léa", "ouvert": 1}, "ouvert"),
        ({"nom": "Léa", "ouvert": "true"}, "ouvert"),
        ({"nom": "Léa", "duree": "12"}, "duree"),
        ({"nom": "Léa", "duree": True}, "duree"),
        ({"nom": "Léa", "motif": 1}, "motif"),
    ],
)
def test_a_value_of_another_json_type_is_refused_naming_its_field(body, field):
    data = Example(data=body)
    assert not data.is_valid()
    assert list(data.errors) == [field]
    assert "Type JSON invalide" in str(data.errors[field][0])


def test_values_of_their_own_type_pass_and_null_is_left_to_the_field():
    body = {"nom": "Léa", "note": 5, "ouvert": False, "duree": 12, "motif": "spam"}
    body["remarque"] = None
    data = Example(data=body)
    assert data.is_valid(), data.errors
    assert data.validated_data == body
    refused = Example(data={"nom": None})
    assert not refused.is_valid()
    assert refused.errors["nom"][0].code == "null"  # the field's own message, not a type error


def test_a_form_carries_strings_and_its_fields_read_them():
    form = QueryDict(mutable=True)
    form.update({"nom": "Léa", "note": "5", "ouvert": "true", "duree": "12"})
    data = Example(data=form)
    assert data.is_valid(), data.errors
    assert (data.validated_data["note"], data.validated_data["ouvert"]) == (5, True)
    assert data.validated_data["duree"] == 12


@pytest.mark.django_db
def test_sign_up_with_a_number_for_a_name_or_password_is_a_400_and_makes_no_account():
    # found by schemathesis: {"nom_affiche": 12345} or a float password made an account
    client = APIClient()
    for bad in ({"nom_affiche": 12345}, {"password": 1.5e300}):
        body = {"email": "lea@exemple.fr", "password": "Chouette-Renard-1987",
                "nom_affiche": "Léa M.", **bad}  # fmt: skip
        response = client.post("/api/auth/signup/", body, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()["extra"]["fields"]) == list(bad)
    assert not User.objects.filter(email="lea@exemple.fr").exists()
    made = client.post("/api/auth/signup/", {"email": "lea@exemple.fr",
                       "password": "Chouette-Renard-1987", "nom_affiche": "Léa M."},
                       format="json")  # fmt: skip
    assert made.status_code == 201
    token = client.post("/api/auth/token/", {"username": 12345, "password": "x"}, format="json")
    assert token.status_code == 400
    assert "username" in token.json()["extra"]["fields"]
