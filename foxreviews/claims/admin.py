"""Claims in the admin: the queue, the document (staff only, as an attachment), approve and
refuse (one claim or many; a refusal asks for its reason) through the same services as the API."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from foxreviews.core.exceptions import ApplicationError

from .documents import document_response
from .models import Revendication, RevendicationTransition
from .services import revendication_approve, revendication_refuse


class TransitionInline(admin.TabularInline):
    model = RevendicationTransition
    fields = ("le", "par", "de", "vers", "motif")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RefusalForm(forms.Form):
    motif = forms.CharField(
        label="Motif du refus (envoyé au demandeur)", widget=forms.Textarea, max_length=2000
    )


@admin.register(Revendication)
class RevendicationAdmin(admin.ModelAdmin):
    list_display = ("id", "siren", "siret", "demandeur", "statut", "created_at", "decide_le")
    list_filter = ("statut",)
    search_fields = ("=siren", "=siret", "demandeur__username", "demandeur__email")
    list_select_related = ("demandeur",)
    ordering = ("-created_at",)
    actions = ["approve", "refuse"]
    inlines = [TransitionInline]
    fields = (
        "demandeur", "siret", "siren", "statut", "document", "document_nom", "document_type",
        "document_taille", "motif_refus", "decide_par", "decide_le", "created_at",
    )  # fmt: skip
    readonly_fields = fields  # every change is a decision, through its service

    def has_add_permission(self, request) -> bool:
        return False  # a claim comes with its document, through the API

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the audit trail stays

    def get_urls(self):
        document = self.admin_site.admin_view(self.document_view)
        return [
            path("<int:pk>/document/", document, name="claims_revendication_document"),
            *super().get_urls(),
        ]

    @admin.display(description="justificatif")
    def document(self, claim: Revendication) -> str:
        url = reverse("admin:claims_revendication_document", args=[claim.pk])
        return format_html('<a href="{}">Télécharger ({})</a>', url, claim.document_type)

    def document_view(self, request: HttpRequest, pk: int):
        if not request.user.is_staff or not self.has_view_permission(request):
            raise PermissionDenied
        claim = Revendication.objects.filter(pk=pk).first()
        if claim is None:
            raise Http404("Aucune revendication.")
        return document_response(
            file_name=claim.document_fichier,
            mime=claim.document_type,
            download_name=claim.document_download_name,
        )

    @admin.action(description="Approuver les revendications choisies", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Revendication]) -> None:
        self._decide(request, queryset, lambda pk: revendication_approve(
            revendication_id=pk, par=request.user
        ), "approuvée")  # fmt: skip

    @admin.action(description="Refuser les revendications choisies…", permissions=["change"])
    def refuse(self, request: HttpRequest, queryset: QuerySet[Revendication]):
        form = RefusalForm(request.POST if "motif" in request.POST else None)
        if not form.is_valid():  # first the reason, on a page of its own
            context = {
                **self.admin_site.each_context(request),
                "title": "Refuser des revendications",
                "opts": self.model._meta,
                "claims": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/claims/revendication/refuse.html", context)
        motif = form.cleaned_data["motif"]
        self._decide(request, queryset, lambda pk: revendication_refuse(
            revendication_id=pk, par=request.user, motif=motif
        ), "refusée")  # fmt: skip
        return None

    def _decide(self, request, queryset, decide, done: str) -> None:
        """Each claim in its own transaction: one refused (decided already, SIREN owned by
        another account) does not hold back the others, and is reported with its reason."""
        decided = 0
        for pk in queryset.order_by("created_at", "id").values_list("pk", flat=True):
            try:
                decide(pk)
                decided += 1
            except ApplicationError as exc:
                self.message_user(request, f"N°{pk} : {exc.message}", messages.ERROR)
        if decided:
            self.message_user(request, f"{decided} revendication(s) {done}(s).", messages.SUCCESS)
