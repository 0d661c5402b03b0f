"""Routes of the dossiers app."""

urlpatterns: list = []
