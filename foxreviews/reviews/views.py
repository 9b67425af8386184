"""The public page of the moderation charter (/avis/charte/)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .charte import charte


def charte_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/charte.html", {"charte": charte()})
