"""What the claims' tests send: a PDF, a client signed in as someone."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

SIREN = "732829320"  # a SIREN with a valid check digit, several établissements below
# the smallest PDF a reader opens, as a scanner would start one
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "kbis.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
