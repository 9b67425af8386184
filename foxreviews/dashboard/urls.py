from django.urls import path

from .views import dashboard_data, dashboard_page

urlpatterns = [
    path("", dashboard_page, name="admin-dashboard"),
    path("data/", dashboard_data, name="admin-dashboard-data"),
]
