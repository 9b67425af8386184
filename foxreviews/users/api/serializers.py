"""Inputs and answers of the account endpoints."""

from rest_framework import serializers


class SignupSerializer(serializers.Serializer):
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


class KeySerializer(serializers.Serializer):
    key = serializers.CharField(max_length=200)


class VerifiedSerializer(MessageSerializer):
    email = serializers.EmailField()


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(KeySerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
