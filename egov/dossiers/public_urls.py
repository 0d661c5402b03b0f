"""Public pages of the dossiers app (no login): the look-up by code."""

from django.urls import path

from egov.dossiers import public_views

app_name = "dossiers_public"

urlpatterns = [
    path("tra-cuu/", public_views.lookup_form, name="lookup"),
    path("tra-cuu/<str:code>/", public_views.lookup_result, name="result"),
]
