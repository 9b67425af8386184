from django.urls import path

from .views import CategoryListView, StatisticsRefreshView, StatisticsView

urlpatterns = [
    path("categories/", CategoryListView.as_view(), name="categorie-list"),
    path("stats/", StatisticsView.as_view(), name="stats"),
    path("stats/refresh/", StatisticsRefreshView.as_view(), name="stats-refresh"),
]
