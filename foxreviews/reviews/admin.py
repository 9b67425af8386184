from django.contrib import admin

from .models import Avis


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = ("prolocalisation", "note", "auteur_nom", "statut", "created_at")
    list_filter = ("statut", "note")
    search_fields = ("auteur_nom", "texte", "=prolocalisation__entreprise__siret")
    list_select_related = ("prolocalisation__entreprise",)
    autocomplete_fields = ("prolocalisation", "auteur")
    readonly_fields = ("created_at", "updated_at", "modere_le")
    show_full_result_count = False
