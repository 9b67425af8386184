"""Inputs and answers of the account endpoints."""

from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from foxreviews.core.api.serializers import InputSerializer


class SignupSerializer(InputSerializer):
    email = serializers.EmailField(max_length=150)  # it is the account's username too
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    nom_affiche = serializers.CharField(
        min_length=2, max_length=60, help_text="Le nom affiché avec vos avis."
    )


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class SignupAnswerSerializer(MessageSerializer):
    email = serializers.EmailField()
    nom_affiche = serializers.CharField()


class KeySerializer(InputSerializer):
    key = serializers.CharField(max_length=200)


class VerifiedSerializer(MessageSerializer):
    email = serializers.EmailField()


class EmailSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(KeySerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class TokenSerializer(InputSerializer, AuthTokenSerializer):
    """DRF's sign-in, with the JSON types of its schema."""
