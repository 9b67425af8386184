from django.contrib import admin

from .models import Entreprise, ProLocalisation


class ProLocalisationInline(admin.TabularInline):
    model = ProLocalisation
    extra = 0
    fields = ("sous_categorie", "ville", "note_moyenne", "nombre_avis", "is_active")
    readonly_fields = ("note_moyenne", "nombre_avis")
    autocomplete_fields = ("sous_categorie", "ville")
    show_change_link = True


@admin.register(Entreprise)
class EntrepriseAdmin(admin.ModelAdmin):
    list_display = ("siret", "nom", "naf_code", "code_postal", "ville", "etat_administratif")
    list_filter = ("etat_administratif",)
    search_fields = ("=siret", "=siren", "nom")
    list_select_related = ("ville",)
    autocomplete_fields = ("ville", "owner")
    readonly_fields = ("created_at", "updated_at")
    inlines = [ProLocalisationInline]
    show_full_result_count = False  # no COUNT(*) over millions of rows


@admin.register(ProLocalisation)
class ProLocalisationAdmin(admin.ModelAdmin):
    list_display = (
        "entreprise",
        "sous_categorie",
        "ville",
        "note_moyenne",
        "nombre_avis",
        "is_active",
    )
    list_filter = ("is_active", "description_source")
    search_fields = ("=entreprise__siret", "entreprise__nom")
    list_select_related = ("entreprise", "sous_categorie", "ville")
    autocomplete_fields = ("entreprise", "sous_categorie", "ville")
    readonly_fields = ("note_moyenne", "nombre_avis", "created_at", "updated_at")
    show_full_result_count = False
