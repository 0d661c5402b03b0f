"""API routes of this app (mounted under /api/v1/ by egov/urls.py)."""

from django.urls import path

from egov.catalog import api

urlpatterns = [
    path("procedures/", api.ProcedureList.as_view(), name="procedure-list"),
    path("procedures/stats/", api.LevelStats.as_view(), name="procedure-stats"),
    path("procedures/<str:code>/", api.ProcedureDetail.as_view(), name="procedure-detail"),
]
