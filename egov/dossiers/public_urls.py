"""Public pages of the dossiers app (no login): the look-up by code."""

urlpatterns: list = []
