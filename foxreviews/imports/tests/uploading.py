"""Uploading through POST /api/imports/ as a test client, the worker's task run eagerly."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from foxreviews.users.models import User


def client_for(role: str, name: str = "") -> APIClient:
    user = User.objects.create_user(username=name or role, password="x", role=role)
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


def post(client, content: bytes, name: str = "liste.csv", **data):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post("/api/imports/", {"file": upload, **data}, format="multipart")


def upload_and_run(client, content, django_capture_on_commit_callbacks, name="liste.csv", **data):
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task, run eagerly
        response = post(client, content, name, **data)
    assert response.status_code == 202, response.json()
    return response, client.get(response.json()["status_url"]).json()
