"""The two pages the account e-mails link to: confirm an address, choose a new password. Each
shows a form (nothing changes on a GET: mail scanners follow links) and posts to the same
services as POST /api/auth/verify-email/ and /api/auth/password/reset/confirm/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from foxreviews.core.exceptions import ApplicationError

from .services import account_verify_email, password_reset_confirm


@require_http_methods(["GET", "POST"])
def verify_email_page(request: HttpRequest) -> HttpResponse:
    key = (request.POST if request.method == "POST" else request.GET).get("key", "")[:200]
    context = {"key": key, "done": False, "error": ""}
    if request.method == "POST":
        try:
            context["email"] = account_verify_email(key=key, request=request).email
            context["done"] = True
        except ApplicationError as exc:
            context["error"] = exc.message
    return render(request, "users/verify_email.html", context)


@require_http_methods(["GET", "POST"])
def password_reset_page(request: HttpRequest) -> HttpResponse:
    key = (request.POST if request.method == "POST" else request.GET).get("key", "")[:200]
    context = {"key": key, "done": False, "error": ""}
    if request.method == "POST":
        password = request.POST.get("password", "")[:128]
        if password != request.POST.get("password2", "")[:128]:
            context["error"] = "Les deux mots de passe diffèrent."
        else:
            try:
                password_reset_confirm(key=key, password=password)
                context["done"] = True
            except ApplicationError as exc:
                context["error"] = exc.message
    return render(request, "users/password_reset.html", context)
