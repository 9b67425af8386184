from django.contrib import admin

from .models import Categorie, NafCode, SousCategorie


class SousCategorieInline(admin.TabularInline):
    model = SousCategorie
    extra = 0
    fields = ("nom", "slug")
    show_change_link = True


@admin.register(Categorie)
class CategorieAdmin(admin.ModelAdmin):
    list_display = ("nom", "slug", "ordre")
    search_fields = ("nom",)
    prepopulated_fields = {"slug": ("nom",)}
    inlines = [SousCategorieInline]


class NafCodeInline(admin.TabularInline):
    model = NafCode
    extra = 0
    fields = ("code", "libelle")
    readonly_fields = ("code", "libelle")


@admin.register(SousCategorie)
class SousCategorieAdmin(admin.ModelAdmin):
    list_display = ("nom", "categorie", "slug")
    list_filter = ("categorie",)
    search_fields = ("nom", "naf_codes__code")
    list_select_related = ("categorie",)
    prepopulated_fields = {"slug": ("nom",)}
    inlines = [NafCodeInline]


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    """The NafCode → SousCategorie mapping is edited here."""

    list_display = ("code", "libelle", "sous_categorie")
    list_filter = ("section", "sous_categorie__categorie")
    search_fields = ("code", "libelle")
    list_select_related = ("sous_categorie",)
    autocomplete_fields = ("sous_categorie",)
    readonly_fields = ("section", "division")
