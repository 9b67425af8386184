"""What a plain DRF ModelViewSet would serve, for bench/api_bench.py to measure side by side
with the platform's API in the same server: PageNumberPagination (COUNT(*) and OFFSET),
SearchFilter (`icontains`), statistics counted with COUNT(*) on each request. Served only by
the benchmark (bench/api_settings.py adds these routes under /baseline/)."""

from django.db.models import Count, Q
from django.urls import include, path
from rest_framework import filters, routers, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.enterprise.models import Entreprise


class EntrepriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entreprise
        fields = ["siret", "siren", "nom", "enseigne", "naf_code", "adresse", "code_postal",
                  "ville", "etat_administratif", "date_creation", "created_at"]  # fmt: skip


class Pages(PageNumberPagination):
    page_size = 20


class EntrepriseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Entreprise.objects.defer("search_vector").order_by("-created_at", "-id")
    serializer_class = EntrepriseSerializer
    pagination_class = Pages
    filter_backends = [filters.SearchFilter]
    search_fields = ["nom", "enseigne"]  # icontains on each


class StatsView(APIView):
    def get(self, request):
        totals = Entreprise.objects.aggregate(
            entreprises=Count("id"), actives=Count("id", filter=Q(etat_administratif="A"))
        )
        per_departement = list(
            Entreprise.objects.values("ville__code_departement").annotate(n=Count("id"))
        )
        return Response({**totals, "par_departement": per_departement})


router = routers.SimpleRouter()
router.register("entreprises", EntrepriseViewSet, basename="baseline-entreprise")

urlpatterns = [
    path("baseline/", include(router.urls)),
    path("baseline/stats/", StatsView.as_view()),
    path("", include("config.urls")),
]
