from django.contrib import admin

from .models import CodePostal, CommuneAlias, Departement, Region, Ville


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "zone")
    search_fields = ("code", "nom")
    list_filter = ("zone",)


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "region", "zone")
    search_fields = ("code", "nom")
    list_filter = ("zone", "region")
    list_select_related = ("region",)


class CodePostalInline(admin.TabularInline):
    model = CodePostal
    extra = 0


@admin.register(Ville)
class VilleAdmin(admin.ModelAdmin):
    list_display = ("code_insee", "nom", "code_departement", "population")
    search_fields = ("code_insee", "nom", "nom_recherche")
    list_filter = ("zone", "departement")
    readonly_fields = ("nom_recherche",)
    autocomplete_fields = ("departement",)
    inlines = [CodePostalInline]
    show_full_result_count = False


@admin.register(CommuneAlias)
class CommuneAliasAdmin(admin.ModelAdmin):
    list_display = ("code", "ville", "type")
    list_filter = ("type",)
    search_fields = ("code", "ville__nom")
    list_select_related = ("ville",)
