"""Shapes of the sponsorship offers and orders. Money is integer cents, plus the same amount
as a decimal string in euros for display."""

from rest_framework import serializers

from foxreviews.core.api.serializers import InputSerializer
from foxreviews.orders.models import DUREES_MOIS, BandeVille, Commande


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class OffreQuerySerializer(serializers.Serializer):
    prolocalisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class PrixSerializer(serializers.Serializer):
    duree_mois = serializers.IntegerField()
    prix_ht_centimes = serializers.IntegerField(source="ht")
    tva_centimes = serializers.IntegerField(source="tva")
    prix_ttc_centimes = serializers.IntegerField(source="ttc")
    prix_ht = serializers.SerializerMethodField()
    prix_ttc = serializers.SerializerMethodField()

    def get_prix_ht(self, prix) -> str:
        return _euros(prix.ht)

    def get_prix_ttc(self, prix) -> str:
        return _euros(prix.ttc)


class OffreSerializer(serializers.Serializer):
    prolocalisation = serializers.IntegerField(source="prolocalisation.pk")
    categorie = serializers.CharField(source="prolocalisation.sous_categorie.categorie.slug")
    sous_categorie = serializers.CharField(source="prolocalisation.sous_categorie.slug")
    ville = serializers.CharField(source="prolocalisation.ville.code_insee")
    bande = serializers.ChoiceField(choices=BandeVille.choices)
    taux_tva = serializers.IntegerField(default=20, read_only=True)
    offres = PrixSerializer(source="prix", many=True)
    places_total = serializers.IntegerField()
    places_libres = serializers.IntegerField()
    prochaine_place_libre = serializers.DateTimeField(allow_null=True)
    deja_sponsorisee = serializers.BooleanField()


class CommandeCreateSerializer(InputSerializer):
    prolocalisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    duree_mois = serializers.ChoiceField(choices=DUREES_MOIS)


class CommandeSerializer(serializers.ModelSerializer):
    entreprise = serializers.CharField(source="prolocalisation.entreprise.nom")
    siret = serializers.CharField(source="prolocalisation.entreprise.siret")
    sous_categorie = serializers.CharField(source="prolocalisation.sous_categorie.slug")
    ville = serializers.CharField(source="prolocalisation.ville.code_insee")
    montant_ht = serializers.SerializerMethodField()
    tva = serializers.SerializerMethodField()
    montant_ttc = serializers.SerializerMethodField()
    date_debut = serializers.DateTimeField(source="sponsorisation.date_debut", allow_null=True)
    date_fin = serializers.DateTimeField(source="sponsorisation.date_fin", allow_null=True)
    url_paiement = serializers.SerializerMethodField()

    class Meta:
        model = Commande
        fields = [
            "id", "statut", "prolocalisation", "entreprise", "siret", "sous_categorie", "ville",
            "duree_mois", "montant_ht_centimes", "tva_centimes", "montant_ttc_centimes",
            "montant_ht", "tva", "montant_ttc", "reservee_jusqua", "url_paiement", "payee_le",
            "date_debut", "date_fin", "created_at",
        ]  # fmt: skip

    def get_montant_ht(self, commande: Commande) -> str:
        return _euros(commande.montant_ht_centimes)

    def get_tva(self, commande: Commande) -> str:
        return _euros(commande.tva_centimes)

    def get_montant_ttc(self, commande: Commande) -> str:
        return _euros(commande.montant_ttc_centimes)

    def get_url_paiement(self, commande: Commande) -> str | None:
        """Only while the order waits for its payment."""
        if commande.statut == Commande.Statut.EN_ATTENTE_PAIEMENT and commande.url_paiement:
            return commande.url_paiement
        return None
