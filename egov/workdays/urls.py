"""Web pages of this app (mounted at the site root by egov/urls.py)."""

urlpatterns: list = []
