"""Avis in the admin: the moderation queue, and bulk approve / refuse through avis_moderate."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from foxreviews.core.exceptions import ApplicationError

from .models import Avis, MotifRefus, Reponse, Signalement
from .services import avis_moderate


class SignalementInline(admin.TabularInline):
    model = Signalement
    extra = 0
    fields = ("motif", "texte", "auteur", "created_at", "traite_le")
    readonly_fields = fields
    can_delete = False


class RefusalForm(forms.Form):
    motif = forms.ChoiceField(label="Motif du refus", choices=MotifRefus.choices)
    texte = forms.CharField(
        label="Précisions (envoyées à l'auteur)", required=False, widget=forms.Textarea,
        max_length=500,
    )  # fmt: skip


class SignaleFilter(admin.SimpleListFilter):
    title = "signalé"
    parameter_name = "signale"

    def lookups(self, request, model_admin):
        return [("1", "Signalés depuis la décision")]

    def queryset(self, request, queryset):
        return queryset.filter(signale_le__isnull=False) if self.value() == "1" else queryset


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = (
        "prolocalisation", "note", "auteur_nom", "statut", "masque", "alertes", "created_at",
    )  # fmt: skip
    list_filter = ("statut", SignaleFilter, "masque", "note")
    search_fields = ("auteur_nom", "texte", "=prolocalisation__entreprise__siret")
    list_select_related = ("prolocalisation__entreprise",)
    autocomplete_fields = ("prolocalisation", "auteur")
    # a decision goes through the actions (avis_moderate): who, when, ratings, e-mail
    readonly_fields = (
        "statut", "publie_le", "masque", "signale_le", "alertes", "motif_refus",
        "motif_moderation", "modere_le", "modere_par", "adresse_ip", "empreinte", "verification",
        "created_at", "updated_at",
    )  # fmt: skip
    inlines = [SignalementInline]
    actions = ["approve", "refuse"]
    show_full_result_count = False

    @admin.action(description="Approuver les avis sélectionnés", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = avis_moderate(
            avis_ids=queryset.values_list("pk", flat=True),
            moderateur=request.user,
            decision="approuver",
        )
        self.message_user(request, f"{len(done)} avis approuvé(s).", messages.SUCCESS)

    @admin.action(description="Refuser les avis sélectionnés…", permissions=["change"])
    def refuse(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = RefusalForm(request.POST if "motif" in request.POST else None)
        if form.is_valid():
            try:
                done = avis_moderate(
                    avis_ids=queryset.values_list("pk", flat=True),
                    moderateur=request.user,
                    decision="refuser",
                    motif_refus=form.cleaned_data["motif"],
                    motif_texte=form.cleaned_data["texte"],
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(request, f"{len(done)} avis refusé(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Refuser des avis",
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "reviews/admin_refuse.html", context)


@admin.register(Reponse)
class ReponseAdmin(admin.ModelAdmin):
    list_display = ("avis", "auteur", "created_at")
    raw_id_fields = ("avis", "auteur")
