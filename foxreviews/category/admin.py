from django.contrib import admin

from .models import Categorie, MotMetier, NafCode, SousCategorie


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


class MotMetierInline(admin.TabularInline):
    """The words visitors type for this trade: a synonym added here is understood by the
    search within a minute (each web process keeps the vocabulary that long)."""

    model = MotMetier
    extra = 1
    fields = ("terme",)


@admin.register(SousCategorie)
class SousCategorieAdmin(admin.ModelAdmin):
    list_display = ("nom", "nom_public", "categorie", "slug")
    list_filter = ("categorie",)
    search_fields = ("nom", "nom_public", "naf_codes__code", "mots_metier__terme")
    list_select_related = ("categorie",)
    prepopulated_fields = {"slug": ("nom",)}
    inlines = [NafCodeInline, MotMetierInline]


@admin.register(MotMetier)
class MotMetierAdmin(admin.ModelAdmin):
    list_display = ("terme", "sous_categorie__nom_public", "sous_categorie")
    search_fields = ("terme", "sous_categorie__nom", "sous_categorie__nom_public")
    list_select_related = ("sous_categorie",)
    autocomplete_fields = ("sous_categorie",)


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    """The NafCode → SousCategorie mapping is edited here."""

    list_display = ("code", "libelle", "sous_categorie")
    list_filter = ("section", "sous_categorie__categorie")
    search_fields = ("code", "libelle")
    list_select_related = ("sous_categorie",)
    autocomplete_fields = ("sous_categorie",)
    readonly_fields = ("section", "division")
