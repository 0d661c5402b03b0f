"""API routes of this app (mounted under /api/v1/ by egov/urls.py)."""

from django.urls import path

from egov.signing import api

urlpatterns = [
    path("signatures/verify", api.VerifySignatures.as_view(), name="signatures-verify"),
]
