from django.urls import path

from .views import StatisticsRefreshView, StatisticsView

urlpatterns = [
    path("stats/", StatisticsView.as_view(), name="stats"),
    path("stats/refresh/", StatisticsRefreshView.as_view(), name="stats-refresh"),
]
