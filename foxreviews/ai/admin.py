"""Staff review of the descriptions written by AI: the drafts with the fact check's findings;
approve (published on the pro-localisation), edit then approve, reject, regenerate; bulk too."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html, format_html_join

from foxreviews.core.exceptions import ApplicationError

from .models import DescriptionGeneree
from .services import description_approve, description_edit, description_reject
from .tasks import ai_describe

Statut = DescriptionGeneree.Statut
PROVENANCE = (
    "fournisseur", "modele", "version_prompt", "created_at", "empreinte_faits", "faits_lisibles",
    "revue_par", "revue_le", "texte_modifie",
)  # fmt: skip


@admin.register(DescriptionGeneree)
class DescriptionGenereeAdmin(admin.ModelAdmin):
    change_form_template = "admin/ai/descriptiongeneree/change_form.html"
    list_display = (
        "id", "prolocalisation", "statut", "verification_ok", "constats_courts", "fournisseur",
        "modele", "created_at",
    )  # fmt: skip
    list_filter = ("statut", "verification_ok", "fournisseur")
    search_fields = ("=prolocalisation__entreprise__siret", "prolocalisation__entreprise__nom")
    list_select_related = (
        "prolocalisation__entreprise", "prolocalisation__sous_categorie", "prolocalisation__ville",
    )  # fmt: skip
    ordering = ("-created_at",)
    actions = ["approve", "reject", "regenerate"]
    fields = ("prolocalisation", "statut", "texte", "verification_ok", "constats_lisibles",
              *PROVENANCE)  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a description is written by the batch or by "regenerate"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the provenance stays

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = ["prolocalisation", "statut", "verification_ok", "constats_lisibles",
                    *PROVENANCE]  # fmt: skip
        if obj is None or obj.statut != Statut.DRAFT:
            readonly.append("texte")  # only a draft is edited
        return readonly

    @admin.display(description="constats")
    def constats_courts(self, obj: DescriptionGeneree) -> str:
        if not obj.constats:
            return "—"
        return format_html_join(format_html("<br>"), "{}", ((c,) for c in obj.constats))

    @admin.display(description="constats de la vérification")
    def constats_lisibles(self, obj: DescriptionGeneree) -> str:
        if not obj.constats:
            return "Aucun : chaque nombre, date, lieu et nom du texte figure dans les faits."
        items = format_html_join("", "<li>{}</li>", ((c,) for c in obj.constats))
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="faits fournis")
    def faits_lisibles(self, obj: DescriptionGeneree) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.faits, ensure_ascii=False, indent=1, sort_keys=True)
        )

    # -- one description: staff edit the text, then save, approve or regenerate -------------
    def save_model(self, request, obj: DescriptionGeneree, form, change: bool) -> None:
        if "texte" in form.changed_data:
            try:
                description_edit(description_id=obj.pk, texte=form.cleaned_data["texte"])
            except ApplicationError as exc:
                messages.error(request, exc.message)

    def response_change(self, request: HttpRequest, obj: DescriptionGeneree) -> HttpResponse:
        if "_approve" in request.POST:
            try:
                description_approve(description_id=obj.pk, user=request.user)
            except ApplicationError as exc:
                messages.error(request, _error_text(exc))
                return HttpResponseRedirect(request.path)
            messages.success(request, "Description approuvée et publiée sur la fiche.")
            return HttpResponseRedirect("../")
        if "_regenerate" in request.POST:
            _queue_regeneration([obj.prolocalisation_id])
            messages.success(request, "Nouvelle rédaction demandée : elle remplacera ce brouillon.")
            return HttpResponseRedirect("../")
        return super().response_change(request, obj)

    # -- bulk ------------------------------------------------------------------------------
    @admin.action(description="Approuver et publier les descriptions choisies")
    def approve(self, request: HttpRequest, queryset: QuerySet[DescriptionGeneree]) -> None:
        done, refused = 0, []
        for pk in queryset.values_list("pk", flat=True):
            try:
                description_approve(description_id=pk, user=request.user)
                done += 1
            except ApplicationError as exc:
                refused.append(f"n° {pk} : {_error_text(exc)}")
        if done:
            messages.success(request, f"{done} description(s) approuvée(s) et publiée(s).")
        for line in refused:
            messages.error(request, line)

    @admin.action(description="Rejeter les descriptions choisies")
    def reject(self, request: HttpRequest, queryset: QuerySet[DescriptionGeneree]) -> None:
        done = 0
        for pk in queryset.filter(statut=Statut.DRAFT).values_list("pk", flat=True):
            description_reject(description_id=pk, user=request.user)
            done += 1
        messages.success(request, f"{done} description(s) rejetée(s).")

    @admin.action(description="Régénérer les descriptions choisies")
    def regenerate(self, request: HttpRequest, queryset: QuerySet[DescriptionGeneree]) -> None:
        ids = sorted(set(queryset.values_list("prolocalisation_id", flat=True)))
        _queue_regeneration(ids)
        messages.success(request, f"{len(ids)} nouvelle(s) rédaction(s) demandée(s).")


def _queue_regeneration(prolocalisation_ids: list[int]) -> None:
    for prolocalisation_id in prolocalisation_ids:
        transaction.on_commit(lambda pk=prolocalisation_id: ai_describe.delay(pk))


def _error_text(exc: ApplicationError) -> str:
    findings = (exc.extra or {}).get("constats") or []
    return " ".join([exc.message, *findings])
