"""Sponsorship orders in the admin: the price grid (editable), the orders with their audit
trail (read-only: every change goes through a service), the payment events processed."""

from django.contrib import admin, messages

from foxreviews.core.exceptions import ApplicationError

from .models import Commande, CommandeTransition, EvenementPaiement, Tarif
from .services import commande_refund_request


@admin.register(Tarif)
class TarifAdmin(admin.ModelAdmin):
    list_display = ("categorie", "bande", "duree_mois", "prix_ht_centimes")
    list_editable = ("prix_ht_centimes",)
    list_filter = ("bande", "duree_mois", "categorie")
    list_select_related = ("categorie",)


class TransitionInline(admin.TabularInline):
    model = CommandeTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "de", "vers", "par", "motif", "evenement")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commande)
class CommandeAdmin(admin.ModelAdmin):
    list_display = (
        "pk", "prolocalisation", "client", "statut", "duree_mois", "montant_ttc_centimes",
        "created_at",
    )  # fmt: skip
    list_filter = ("statut", "duree_mois", "fournisseur")
    search_fields = ("=pk", "=prolocalisation__entreprise__siret", "client__email")
    list_select_related = (
        "prolocalisation__entreprise", "prolocalisation__sous_categorie",
        "prolocalisation__ville", "client",
    )  # fmt: skip
    inlines = [TransitionInline]
    actions = ["rembourser"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Commande._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Rembourser (demande au fournisseur de paiement)")
    def rembourser(self, request, queryset):
        for commande in queryset:
            try:
                commande_refund_request(commande_id=commande.pk, by=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{commande}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{commande}: remboursement demandé.")


@admin.register(EvenementPaiement)
class EvenementPaiementAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "commande", "resultat", "recu_le")
    list_filter = ("type",)
    search_fields = ("=event_id", "=commande__pk")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
