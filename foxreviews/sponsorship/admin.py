from django.contrib import admin

from .models import Sponsorisation


@admin.register(Sponsorisation)
class SponsorisationAdmin(admin.ModelAdmin):
    list_display = ("prolocalisation", "date_debut", "date_fin", "montant", "is_active")
    list_filter = ("is_active",)
    search_fields = ("=prolocalisation__entreprise__siret", "prolocalisation__entreprise__nom")
    list_select_related = ("prolocalisation__entreprise",)
    autocomplete_fields = ("prolocalisation",)
    date_hierarchy = "date_debut"
