"""Shapes of avis in the API: the public one, the author's own, the moderator's; and inputs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foxreviews.core.api.serializers import InputSerializer
from foxreviews.reviews.models import Avis, MotifRefus, Reponse, Signalement
from foxreviews.reviews.services import REPONSE_MAX, REPONSE_MIN, TEXTE_MAX, TEXTE_MIN


class ReponseSerializer(serializers.ModelSerializer):
    date = serializers.DateTimeField(source="created_at")
    modifiee_le = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Reponse
        fields = ["texte", "date", "modifiee_le"]


class AvisPublicSerializer(serializers.ModelSerializer):
    nom_affiche = serializers.CharField(source="auteur_nom")
    date_publication = serializers.DateTimeField(source="publie_le")
    verification = serializers.CharField(source="get_verification_display")
    reponse = serializers.SerializerMethodField()

    class Meta:
        model = Avis
        fields = [
            "id", "note", "titre", "texte", "nom_affiche", "date_publication", "date_experience",
            "verification", "reponse",
        ]  # fmt: skip

    @extend_schema_field(ReponseSerializer(allow_null=True))
    def get_reponse(self, avis: Avis) -> dict | None:
        reponse = getattr(avis, "reponse", None)
        return ReponseSerializer(reponse).data if reponse is not None else None


class AvisOwnSerializer(AvisPublicSerializer):
    """The author's view: the statut, and the reason of a refusal."""

    date_publication = serializers.DateTimeField(source="publie_le", allow_null=True)
    date = serializers.DateTimeField(source="created_at")
    etablissement = serializers.CharField(source="prolocalisation.entreprise.nom")
    motif_refus = serializers.SerializerMethodField()

    class Meta(AvisPublicSerializer.Meta):
        fields = [
            *AvisPublicSerializer.Meta.fields, "prolocalisation", "etablissement", "statut",
            "masque", "date", "motif_refus", "motif_moderation",
        ]  # fmt: skip

    def get_motif_refus(self, avis: Avis) -> str | None:
        return avis.get_motif_refus_display() if avis.statut == Avis.Statut.REFUSE else None


class SignalementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signalement
        fields = ["id", "motif", "texte", "created_at"]


class AvisModerationSerializer(AvisOwnSerializer):
    """The moderator's view: who wrote it from where, the heuristics' alerts, open reports."""

    auteur = serializers.IntegerField(source="auteur_id", allow_null=True)
    alertes = serializers.ListField(child=serializers.CharField())
    signalements = serializers.SerializerMethodField()

    class Meta(AvisOwnSerializer.Meta):
        fields = [
            *AvisOwnSerializer.Meta.fields, "auteur", "adresse_ip", "alertes", "signale_le",
            "signalements", "modere_le",
        ]  # fmt: skip

    @extend_schema_field(SignalementSerializer(many=True))
    def get_signalements(self, avis: Avis) -> list:
        return SignalementSerializer(getattr(avis, "signalements_ouverts", []), many=True).data


class AvisCreateSerializer(InputSerializer):
    note = serializers.IntegerField(min_value=1, max_value=5)
    titre = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    texte = serializers.CharField(min_length=TEXTE_MIN, max_length=TEXTE_MAX)
    date_experience = serializers.DateField()


class SignalementCreateSerializer(InputSerializer):
    motif = serializers.ChoiceField(choices=Signalement.Motif.choices)
    texte = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=[("approuver", "approuver"), ("refuser", "refuser")])
    motif = serializers.ChoiceField(choices=MotifRefus.choices, required=False, allow_blank=True)
    texte = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReponseCreateSerializer(InputSerializer):
    texte = serializers.CharField(min_length=REPONSE_MIN, max_length=REPONSE_MAX)
