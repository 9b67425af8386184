"""Uploads of CSV/XLSX files by pros and admins, and the status of their imports: POST answers
202 once the file is checked and stored, a worker does the rest. A pro sees only their own
imports; administrators (by role or staff) see all.
"""

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.api.throttling import UserRateThrottle
from foxreviews.imports.models import ImportLog
from foxreviews.imports.upload_budget import megabytes
from foxreviews.imports.uploads import UploadTooLarge, upload_accept
from foxreviews.users.models import User

from .serializers import ImportLogSerializer, UploadAcceptedSerializer, UploadSerializer

MULTIPART_OVERHEAD = 64 * 1024  # the form around the file


def _administers(user) -> bool:
    return user.is_staff or user.role == User.Role.ADMIN


class CanImport(BasePermission):
    message = "Seuls les professionnels et les administrateurs peuvent importer des fichiers."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user.is_authenticated and (_administers(user) or user.is_pro))


class UploadRateThrottle(UserRateThrottle):
    scope = "imports"


class ImportPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, CanImport]
    serializer_class = ImportLogSerializer
    pagination_class = ImportPagination
    parser_classes = [MultiPartParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model
            return ImportLog.objects.none()
        logs = ImportLog.objects.filter(
            type__in=[ImportLog.Type.CSV, ImportLog.Type.XLSX]
        ).prefetch_related("checkpoints")
        if not _administers(self.request.user):
            logs = logs.filter(created_by=self.request.user)
        return logs

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(UploadRateThrottle())
        return throttles

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            202: UploadAcceptedSerializer,
            400: ErrorSerializer,
            413: ErrorSerializer,
            503: ErrorSerializer,
        },
    )
    def create(self, request):
        """Upload a CSV or XLSX file of établissements; it is imported in the background."""
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD:  # refused before reading it
            raise UploadTooLarge(
                f"La requête fait {megabytes(length)} ; un import est limité à "
                f"{settings.UPLOAD_MAX_BYTES / 1e6:.0f} Mo."
            )
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        log = upload_accept(  # the queue out of reach: a 503 with Retry-After, nothing kept
            upload=upload.validated_data["file"],
            user=request.user,
            dry_run=upload.validated_data["dry_run"],
        )
        url = request.build_absolute_uri(f"{request.path.rstrip('/')}/{log.pk}/")
        return Response(
            {"id": log.pk, "status": log.status, "status_url": url},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )

    @extend_schema(
        responses={(200, "text/csv"): bytes, 404: ErrorSerializer},
        description="The rejected rows: line (of the file, header = 1), siret, reason, detail.",
    )
    @action(detail=True, url_path="rejected-rows", url_name="rejected-rows")
    def rejected_rows(self, request, pk=None):
        log = self.get_object()
        try:
            rejects = log.rejects_file.open("rb")
        except (ValueError, FileNotFoundError):  # no file, or gone from the storage
            raise NotFound("Cet import n'a pas de lignes rejetées à télécharger.") from None
        return FileResponse(
            rejects,
            as_attachment=True,
            filename=f"import-{log.pk}-rejected-rows.csv",
            content_type="text/csv; charset=utf-8",
        )
