"""Shapes of the claims API: a claim sent, a claim as its author and as staff see it, a
decision, and what a pro owns."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foxreviews.claims.models import Revendication
from foxreviews.core.api.serializers import InputSerializer
from foxreviews.enterprise.models import Entreprise, ProLocalisation


class RevendicationCreateSerializer(InputSerializer):
    siret = serializers.CharField(
        max_length=20, help_text="le SIRET d'un établissement de l'entreprise (14 chiffres)"
    )
    document = serializers.FileField(
        help_text="justificatif (extrait Kbis, avis de situation SIRENE...): PDF, PNG ou JPEG, "
        "5 Mo au plus"
    )


class RevendicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revendication
        fields = [
            "id", "siret", "siren", "statut", "motif_refus", "created_at", "decide_le",
            "document_nom", "document_type", "document_taille",
        ]  # fmt: skip
        read_only_fields = fields


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()  # may be empty


class ModerationRevendicationSerializer(RevendicationSerializer):
    demandeur = AccountSerializer(read_only=True)
    decide_par = serializers.CharField(
        source="decide_par.username", default=None, allow_null=True, read_only=True
    )
    document_url = serializers.SerializerMethodField()

    class Meta(RevendicationSerializer.Meta):
        fields = [*RevendicationSerializer.Meta.fields, "demandeur", "decide_par", "document_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_document_url(self, claim: Revendication) -> str:
        path = reverse("moderation-revendication-document", args=[claim.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RevendicationDecisionSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=["approuver", "refuser"])
    motif = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, trim_whitespace=True,
        help_text="obligatoire pour un refus : il est envoyé au demandeur",
    )  # fmt: skip

    def validate(self, attrs):
        if attrs["decision"] == "refuser" and not attrs.get("motif"):
            raise serializers.ValidationError(
                {"motif": "Un refus doit être motivé : le motif est envoyé au demandeur."}
            )
        return attrs


class OwnedProLocalisationSerializer(serializers.ModelSerializer):
    sous_categorie = serializers.CharField(source="sous_categorie.visitor_name")
    ville = serializers.CharField(source="ville.nom")
    avis_en_attente = serializers.IntegerField()

    class Meta:
        model = ProLocalisation
        fields = [
            "id", "sous_categorie", "ville", "note_moyenne", "nombre_avis", "avis_en_attente",
            "is_active",
        ]  # fmt: skip


class OwnedEntrepriseSerializer(serializers.ModelSerializer):
    ville = serializers.CharField(source="ville.nom", default=None)
    prolocalisations = OwnedProLocalisationSerializer(many=True)
    nombre_avis = serializers.SerializerMethodField()
    avis_en_attente = serializers.SerializerMethodField()

    class Meta:
        model = Entreprise
        fields = [
            "siret", "siren", "nom", "adresse", "code_postal", "ville", "nombre_avis",
            "avis_en_attente", "prolocalisations",
        ]  # fmt: skip

    def get_nombre_avis(self, entreprise: Entreprise) -> int:
        return sum(p.nombre_avis for p in entreprise.prolocalisations.all())

    def get_avis_en_attente(self, entreprise: Entreprise) -> int:
        return sum(p.avis_en_attente for p in entreprise.prolocalisations.all())
