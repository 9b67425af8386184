"""The live admin dashboard: the page (staff only) and the JSON it refreshes itself from."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .selectors import dashboard_state


@never_cache
@staff_member_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Tableau de bord en direct",
        "state": dashboard_state(with_workers=False),
        "urls": {
            "data": reverse("admin-dashboard-data"),
            "websocket": "/ws/admin/notifications/",
            "ticket": "/api/realtime/ticket/",
            "sse": "/api/realtime/events/",
            "imports": reverse("admin:imports_importlog_changelist"),
        },
    }
    return render(request, "admin/dashboard.html", context)


@never_cache
def dashboard_data(request: HttpRequest) -> JsonResponse:
    """The dashboard's figures as JSON; 403 (not a redirect to the sign-in page: a script asks)
    for anyone but staff."""
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"message": "Réservé à l'équipe.", "extra": {}}, status=403)
    return JsonResponse(dashboard_state(with_workers=True))
