"""API routes of this app (mounted under /api/v1/ by egov/urls.py)."""

urlpatterns: list = []
